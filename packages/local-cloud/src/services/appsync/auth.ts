import type { ConstDirectiveNode, GraphQLField, GraphQLObjectType } from 'graphql';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';

export type AuthMode = 'AMAZON_COGNITO_USER_POOLS' | 'API_KEY';

export interface CognitoIdentity {
  sub: string;
  issuer: string;
  username: string;
  claims: Record<string, unknown>;
  sourceIp: string[];
  defaultAuthStrategy: 'ALLOW' | 'DENY';
  groups: string[] | null;
}

export type Caller = { mode: 'API_KEY' } | { mode: 'AMAZON_COGNITO_USER_POOLS'; identity: CognitoIdentity };

export class UnauthorizedError extends Error {
  override name = 'UnauthorizedException';
}

/**
 * Verifies a Cognito token as AppSync does: RS256 signature against the pool's keys (from the local
 * Cognito), issuer https://cognito-idp.<region>.amazonaws.com/<pool id>, expiry, and an id or access token.
 */
export function cognitoVerifier(options: { jwksUrl: string; issuer: string; defaultAction: 'ALLOW' | 'DENY' }) {
  let keys: ReturnType<typeof createLocalJWKSet> | undefined;
  return async (token: string, sourceIp: string): Promise<CognitoIdentity> => {
    if (!keys) keys = createLocalJWKSet((await (await fetch(options.jwksUrl)).json()) as JSONWebKeySet);
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token.replace(/^Bearer\s+/i, ''), keys, { issuer: options.issuer }));
    } catch (error) {
      throw new UnauthorizedError(`Valid authorization header not provided. (${(error as Error).message})`);
    }
    if (payload.token_use !== 'id' && payload.token_use !== 'access')
      throw new UnauthorizedError('Valid authorization header not provided. (not an id or access token)');
    return identityOf(payload, { issuer: options.issuer, sourceIp, defaultAction: options.defaultAction });
  };
}

/** The identity AppSync hands a resolver for a verified token's claims. */
export function identityOf(payload: Record<string, unknown>, options: { issuer: string; sourceIp: string; defaultAction: 'ALLOW' | 'DENY' }): CognitoIdentity {
  const groups = Array.isArray(payload['cognito:groups']) ? (payload['cognito:groups'] as string[]) : null;
  return {
    sub: String(payload.sub),
    issuer: options.issuer,
    username: String(payload['cognito:username'] ?? payload.username ?? payload.sub),
    claims: payload,
    sourceIp: [options.sourceIp],
    defaultAuthStrategy: options.defaultAction,
    groups,
  };
}

function directivesOf(node: { astNode?: { directives?: ReadonlyArray<ConstDirectiveNode> } | null }): ReadonlyArray<ConstDirectiveNode> {
  return node.astNode?.directives ?? [];
}

function groupsOf(directive: ConstDirectiveNode): string[] | undefined {
  const value = directive.arguments?.find((argument) => argument.name.value === 'cognito_groups')?.value;
  if (!value) return undefined;
  const values = value.kind === 'ListValue' ? value.values : [value];
  return values.flatMap((item) => (item.kind === 'StringValue' ? [item.value] : []));
}

const AUTH_DIRECTIVES: Record<string, AuthMode | 'OTHER'> = {
  aws_cognito_user_pools: 'AMAZON_COGNITO_USER_POOLS',
  aws_api_key: 'API_KEY',
  aws_iam: 'OTHER',
  aws_oidc: 'OTHER',
  aws_lambda: 'OTHER',
};

/**
 * AppSync's rules: the field's auth directives decide, else its type's; with none, only the default
 * mode may read it. A @aws_cognito_user_pools(cognito_groups: [...]) needs one of those groups.
 */
export function authorize(caller: Caller, defaultMode: AuthMode, type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): boolean {
  const own = directivesOf(field).filter((directive) => directive.name.value in AUTH_DIRECTIVES);
  const rules = own.length ? own : directivesOf(type).filter((directive) => directive.name.value in AUTH_DIRECTIVES);
  if (!rules.length) return caller.mode === defaultMode;
  return rules.some((rule) => {
    if (AUTH_DIRECTIVES[rule.name.value] !== caller.mode) return false;
    if (caller.mode !== 'AMAZON_COGNITO_USER_POOLS') return true;
    const groups = groupsOf(rule);
    return !groups || groups.some((group) => caller.identity.groups?.includes(group));
  });
}
