import { conditionsHold, type RequestContext, substituteVariables } from './conditions';
import { actionMatches, arnMatches } from './patterns';
import type { Policy, PolicyStatement, Principal } from './policy';

/** Who makes a request: a role's session (a function, a state machine), an IAM user, an AWS service, or the account's root user. */
export type RequestPrincipal =
  | { kind: 'role'; account: string; roleArn: string; sessionArn: string }
  | { kind: 'user'; account: string; userArn: string }
  | { kind: 'service'; service: string }
  | { kind: 'root'; account: string };

export interface AuthorizationRequest {
  principal: RequestPrincipal;
  action: string;
  resource: string;
  context: RequestContext;
}

export interface Decision {
  allowed: boolean;
  /** 'explicit deny', 'allowed', or 'no statement allows it' (IAM's implicit deny). */
  reason: 'explicit deny' | 'allowed' | 'implicit deny';
  /** The statement that decided: "<policy source> (Sid x)". */
  by?: string;
}

const accountOf = (principal: RequestPrincipal) => (principal.kind === 'service' ? undefined : principal.account);

/** How a resource policy's Principal names the caller: not at all, only as its account (which leaves the decision to IAM), or itself. */
function principalMatch(principal: Principal, caller: RequestPrincipal): 'none' | 'account' | 'self' {
  if (principal === '*') return 'self';
  let best: 'none' | 'account' | 'self' = 'none';
  for (const [kind, ids] of Object.entries(principal)) {
    for (const id of ids) {
      if (kind === 'AWS') {
        if (id === '*') return 'self';
        const account = /^(\d{12})$/.exec(id)?.[1] ?? /^arn:aws:iam::(\d{12}):root$/.exec(id)?.[1];
        if (account && account === accountOf(caller)) best = best === 'self' ? 'self' : 'account';
        if (caller.kind === 'role' && (id === caller.roleArn || id === caller.sessionArn)) return 'self';
        if (caller.kind === 'user' && id === caller.userArn) return 'self';
      } else if (kind === 'Service' && caller.kind === 'service' && id.toLowerCase() === caller.service.toLowerCase()) return 'self';
    }
  }
  return best;
}

function statementApplies(statement: PolicyStatement, request: AuthorizationRequest): boolean {
  const action = statement.action
    ? statement.action.some((pattern) => actionMatches(pattern, request.action))
    : !(statement.notAction ?? []).some((pattern) => actionMatches(pattern, request.action));
  if (!action) return false;
  const resourceMatches = (pattern: string) => {
    const substituted = substituteVariables(pattern, request.context);
    return substituted !== undefined && arnMatches(substituted, request.resource);
  };
  if (statement.resource && !statement.resource.some(resourceMatches)) return false;
  if (statement.notResource?.some(resourceMatches)) return false;
  return conditionsHold(statement.condition, request.context);
}

const describe = (policy: Policy, statement: PolicyStatement) => `${policy.source}${statement.sid ? ` (Sid ${statement.sid})` : ''}`;

/**
 * IAM's decision for a request within one account, as its documented evaluation logic gives it: an
 * explicit Deny in any policy wins; else an Allow in the identity policies or in the resource policy
 * allows (a resource policy naming only the account defers to the identity policies); else the
 * request is implicitly denied. The root user is allowed all but what an explicit Deny refuses; an
 * AWS service has no identity policy, only what resource policies grant it.
 */
export function authorize(request: AuthorizationRequest, policies: { identity: Policy[]; resource?: Policy[] }): Decision {
  const resourcePolicies = policies.resource ?? [];
  const identity = request.principal.kind === 'role' || request.principal.kind === 'user' ? policies.identity : [];
  let allowedBy: string | undefined;
  for (const policy of identity) {
    for (const statement of policy.statements) {
      if (!statementApplies(statement, request)) continue;
      if (statement.effect === 'Deny') return { allowed: false, reason: 'explicit deny', by: describe(policy, statement) };
      allowedBy ??= describe(policy, statement);
    }
  }
  for (const policy of resourcePolicies) {
    for (const statement of policy.statements) {
      const named = statement.principal
        ? principalMatch(statement.principal, request.principal)
        : principalMatch(statement.notPrincipal ?? {}, request.principal) === 'none'
          ? 'self'
          : 'none';
      if (named === 'none' || !statementApplies(statement, request)) continue;
      if (statement.effect === 'Deny') return { allowed: false, reason: 'explicit deny', by: describe(policy, statement) };
      if (named === 'self') allowedBy ??= describe(policy, statement);
    }
  }
  if (request.principal.kind === 'root') return { allowed: true, reason: 'allowed', by: 'the account root user' };
  return allowedBy ? { allowed: true, reason: 'allowed', by: allowedBy } : { allowed: false, reason: 'implicit deny' };
}
