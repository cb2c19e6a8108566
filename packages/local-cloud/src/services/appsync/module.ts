import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  buildSchema,
  type ExecutionResult,
  execute,
  type FieldNode,
  type GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  parse,
  type SelectionSetNode,
  validate,
} from 'graphql';
import { type CloudContext, functionFromTarget, type LocalModule, resourcesAcross, type TemplateResource } from '../../context';
import { answerUnparsable } from '../../unparsable';
import { ACCOUNT_ID } from '../cloudformation/intrinsics';
import type { LocalFunction } from '../lambda/runtime';
import { type AuthMode, authorize, type Caller, cognitoVerifier, UnauthorizedError } from './auth';
import { type ApiLimits, limitsOf, requestBudget } from './limits';
import { resolverEvent } from './resolverEvent';
import { APPSYNC_DEFINITIONS } from './scalars';

interface LocalApi {
  name: string;
  schema: GraphQLSchema;
  defaultMode: AuthMode;
  modes: Set<AuthMode>;
  apiKeys: Set<string>;
  /** Each field's function and the data source role AppSync invokes it with. */
  resolvers: Map<string, { fn: LocalFunction; roleArn?: string }>;
  verifyCognito?: ReturnType<typeof cognitoVerifier>;
  limits: ApiLimits;
}

/**
 * AppSync GraphQL APIs from the templates: one local GraphQL endpoint per API that verifies Cognito
 * JWTs (signature, issuer, expiry) and API keys, enforces @aws_cognito_user_pools(cognito_groups) and
 * @aws_api_key as AppSync does, and calls direct Lambda resolvers (kind UNIT) with AppSync's event:
 * arguments, identity (claims, groups), source, info (fieldName, parentTypeName, selectionSetList),
 * within the API's query depth and resolver count limits (limits.ts).
 */
export function appSyncModule(): LocalModule {
  const servers: Server[] = [];
  const ports = new Map<string, number>();
  const apis: Array<{ service: string; name: string; url: string; apiKeys: string[] }> = [];
  return {
    name: 'appsync',
    coverage: {
      service: 'AWS AppSync',
      by: 'the local cloud (graphql-js, a port per API)',
      eventSources: [
        'queries and mutations to direct Lambda resolvers, with Cognito user pool and API key auth and @aws_cognito_user_pools groups',
        "the API's QueryDepthLimit and ResolverCountLimit (fields past them read null with AWS's errorTypes)",
      ],
      notEmulated: [
        'VTL and JavaScript resolvers, pipelines, data sources other than Lambda (refused in a template)',
        'subscriptions, IAM and OIDC auth, caching',
      ],
    },
    needs: ['lambda', 'cognito'],
    creates: {
      'AWS::AppSync::GraphQLApi': async (api, context) => {
        const port = context.ports.appSync + ports.size;
        const url = `http://127.0.0.1:${port}/graphql`;
        ports.set(`${api.template.service}/${api.logicalId}`, port);
        const apiId = `local${api.template.service.replace(/[^a-z0-9]/gi, '')}`;
        api.resolver.register(api.logicalId, {
          ref: `arn:aws:appsync:${context.region}:${ACCOUNT_ID}:apis/${apiId}`,
          attributes: { ApiId: apiId, Arn: `arn:aws:appsync:${context.region}:${ACCOUNT_ID}:apis/${apiId}`, GraphQLUrl: url, GraphQLEndpointArn: apiId },
        });
        context.urls[`${api.template.service}.graphql`] = url;
      },
      'AWS::AppSync::ApiKey': async (key) => {
        const value = `da2-local${key.logicalId.toLowerCase()}`;
        key.resolver.register(key.logicalId, {
          ref: value,
          attributes: { ApiKey: value, Arn: `${key.resolver.resolveString(key.properties.ApiId)}/apikeys/${value}` },
        });
      },
      'AWS::AppSync::DataSource': async (source) => {
        const name = String(source.properties.Name);
        const apiId = source.resolver.resolveString(source.properties.ApiId);
        source.resolver.register(source.logicalId, {
          ref: `${apiId}/datasources/${name}`,
          attributes: { Name: name, DataSourceArn: `${apiId}/datasources/${name}` },
        });
      },
      // Built with their API once every resource exists (started, below).
      'AWS::AppSync::GraphQLSchema': async () => undefined,
      'AWS::AppSync::Resolver': async () => undefined,
    },
    async started(context) {
      context.endpoint.localApi('appsync', () => apis);
      for (const api of resourcesAcross(context, 'AWS::AppSync::GraphQLApi')) {
        const local = buildApi(context, api);
        const port = ports.get(`${api.template.service}/${api.logicalId}`) ?? 0;
        const server = createServer((req, res) => {
          serve(context, local, req, res).catch((error: Error) => {
            context.log(`[appsync ${local.name}] ${error.stack ?? error.message}`);
            reply(res, 500, { errors: [{ message: 'Internal server error', errorType: 'InternalFailure' }] });
          });
        });
        server.on('clientError', answerUnparsable);
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, '127.0.0.1', resolve);
        });
        servers.push(server);
        apis.push({ service: api.template.service, name: local.name, url: `http://127.0.0.1:${port}/graphql`, apiKeys: [...local.apiKeys] });
        context.log(`graphql ${local.name}: http://127.0.0.1:${port}/graphql (${[...local.modes].join(', ')}; ${local.resolvers.size} Lambda resolvers)`);
      }
    },
    async stop() {
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}

function buildApi(context: CloudContext, api: TemplateResource): LocalApi {
  const { template, resolver, logicalId, properties: p } = api;
  const belongs = (resource: TemplateResource) => JSON.stringify(resource.properties.ApiId ?? '').includes(`"${logicalId}"`);
  const definition = resourcesAcross(context, 'AWS::AppSync::GraphQLSchema').find(belongs);
  if (!definition) throw new Error(`${template.service}: ${logicalId} has no AWS::AppSync::GraphQLSchema with an inline Definition`);
  const schema = buildSchema(`${APPSYNC_DEFINITIONS}\n${resolver.resolveString(definition.properties.Definition)}`);

  const dataSources = new Map(
    resourcesAcross(context, 'AWS::AppSync::DataSource')
      .filter(belongs)
      .map((source) => [String(source.properties.Name), source]),
  );
  const resolvers = new Map<string, { fn: LocalFunction; roleArn?: string }>();
  for (const field of resourcesAcross(context, 'AWS::AppSync::Resolver').filter(belongs)) {
    const fp = field.properties;
    if (fp.Kind === 'PIPELINE' || fp.RequestMappingTemplate || fp.Code) {
      throw new Error(
        `${template.service}: resolver ${fp.TypeName}.${fp.FieldName}: the local cloud runs direct Lambda resolvers (kind UNIT, no templates) only`,
      );
    }
    const source = dataSources.get(resolver.resolveString(fp.DataSourceName));
    const lambda = (source?.properties.LambdaConfig as { LambdaFunctionArn?: unknown } | undefined)?.LambdaFunctionArn;
    if (!source || !lambda) throw new Error(`${template.service}: resolver ${fp.TypeName}.${fp.FieldName} needs an AWS_LAMBDA data source`);
    const roleArn = source.properties.ServiceRoleArn === undefined ? undefined : resolver.resolveString(source.properties.ServiceRoleArn);
    resolvers.set(`${fp.TypeName}.${fp.FieldName}`, { fn: functionFromTarget(context, template, lambda), roleArn });
  }

  const defaultMode = String(p.AuthenticationType) as AuthMode;
  const providers = [
    { AuthenticationType: defaultMode, UserPoolConfig: p.UserPoolConfig },
    ...((p.AdditionalAuthenticationProviders as Array<{ AuthenticationType: string; UserPoolConfig?: unknown }> | undefined) ?? []),
  ];
  const modes = new Set(providers.map((provider) => provider.AuthenticationType as AuthMode));
  for (const mode of modes)
    if (mode !== 'AMAZON_COGNITO_USER_POOLS' && mode !== 'API_KEY')
      throw new Error(`${template.service}: the local AppSync supports Cognito and API key auth, not ${mode}`);
  const pool = providers.find((provider) => provider.AuthenticationType === 'AMAZON_COGNITO_USER_POOLS')?.UserPoolConfig as
    | { UserPoolId: unknown; DefaultAction?: string }
    | undefined;
  const poolId = pool ? resolver.resolveString(pool.UserPoolId) : undefined;
  return {
    name: String(p.Name ?? logicalId),
    schema,
    defaultMode,
    modes,
    apiKeys: new Set(
      resourcesAcross(context, 'AWS::AppSync::ApiKey')
        .filter((key) => key.template === template)
        .map((key) => key.resolver.ref(key.logicalId)),
    ),
    resolvers,
    limits: limitsOf(p, `${template.service}: ${logicalId}`),
    verifyCognito: poolId
      ? cognitoVerifier({
          jwksUrl: `${context.urls.cognito}/${poolId}/.well-known/jwks.json`,
          issuer: `https://cognito-idp.${context.region}.amazonaws.com/${poolId}`,
          defaultAction: pool?.DefaultAction === 'DENY' ? 'DENY' : 'ALLOW',
        })
      : undefined,
  };
}

async function authenticate(api: LocalApi, req: IncomingMessage): Promise<Caller> {
  const apiKey = req.headers['x-api-key'];
  const authorization = req.headers.authorization;
  if (authorization && api.verifyCognito) {
    return { mode: 'AMAZON_COGNITO_USER_POOLS', identity: await api.verifyCognito(String(authorization), req.socket.remoteAddress ?? '127.0.0.1') };
  }
  if (apiKey && api.modes.has('API_KEY')) {
    if (!api.apiKeys.has(String(apiKey))) throw new UnauthorizedError('You are not authorized to make this call. (unknown API key)');
    return { mode: 'API_KEY' };
  }
  throw new UnauthorizedError('Valid authorization header not provided.');
}

async function serve(context: CloudContext, api: LocalApi, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') return reply(res, 405, { errors: [{ message: 'POST a GraphQL request to /graphql' }] });
  let caller: Caller;
  try {
    caller = await authenticate(api, req);
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    return reply(res, 401, { errors: [{ errorType: 'UnauthorizedException', message: error.message }] });
  }
  let text = '';
  for await (const chunk of req) text += chunk.toString();
  let body: { query?: string; variables?: Record<string, unknown>; operationName?: string };
  try {
    body = JSON.parse(text);
  } catch {
    return reply(res, 400, { errors: [{ errorType: 'MalformedHttpRequestException', message: 'The request body is not JSON' }] });
  }
  let document: ReturnType<typeof parse>;
  try {
    document = parse(body.query ?? '');
  } catch (error) {
    return reply(res, 200, { errors: [{ errorType: 'MalformedHttpRequestException', message: (error as Error).message }] });
  }
  const invalid = validate(api.schema, document);
  if (invalid.length)
    return reply(res, 200, {
      data: null,
      errors: invalid.map((error) => ({ errorType: 'ValidationError', message: error.message, locations: error.locations })),
    });
  const result = await execute({
    schema: api.schema,
    document,
    variableValues: body.variables,
    operationName: body.operationName,
    fieldResolver: fieldResolver(context, api, caller, req, body.variables),
  });
  reply(res, 200, format(result as ExecutionResult));
}

function fieldResolver(
  context: CloudContext,
  api: LocalApi,
  caller: Caller,
  req: IncomingMessage,
  variables?: Record<string, unknown>,
): GraphQLFieldResolver<unknown, unknown> {
  const budget = requestBudget(api.limits);
  return async (source, args, _context, info) => {
    budget.field(info);
    const type = info.parentType;
    const field = type.getFields()[info.fieldName];
    if (field && !authorize(caller, api.defaultMode, type, field)) {
      throw Object.assign(new Error(`Not Authorized to access ${info.fieldName} on type ${type.name}`), { errorType: 'Unauthorized' });
    }
    const resolver = api.resolvers.get(`${type.name}.${info.fieldName}`);
    if (!resolver) return (source as Record<string, unknown> | null)?.[info.fieldName] ?? null;
    const { fn } = resolver;
    budget.invocation();
    const refused = dataSourceRefusal(context, resolver);
    if (refused) throw Object.assign(new Error(refused), { errorType: 'Lambda:AccessDeniedException' });
    const event = resolverEvent({
      parentTypeName: type.name,
      fieldName: info.fieldName,
      arguments: args,
      identity: caller.mode === 'AMAZON_COGNITO_USER_POOLS' ? caller.identity : null,
      source: source ?? null,
      headers: req.headers,
      variables,
      selectionSetList: selectionSetList(info.fieldNodes[0]?.selectionSet),
    });
    // Lambda receives JSON: this also drops graphql-js internals the IPC channel cannot clone.
    const result = await fn.invoke(JSON.parse(JSON.stringify(event)));
    if (!result.ok) throw Object.assign(new Error(result.error.errorMessage), { errorType: result.error.errorType });
    return result.result;
  };
}

/**
 * AppSync invokes a data source's function with the data source's role: the role must trust
 * appsync.amazonaws.com and allow lambda:InvokeFunction on the function. Why not, or undefined.
 */
function dataSourceRefusal(context: CloudContext, resolver: { fn: LocalFunction; roleArn?: string }): string | undefined {
  const role = resolver.roleArn ? context.iam.role(resolver.roleArn) : undefined;
  if (!role || !context.iam.trusts(role, 'appsync.amazonaws.com')) return `AppSync cannot assume the data source role ${resolver.roleArn ?? '(none)'}`;
  return context.iam.check(`appsync:${role.name}`, context.iam.session(role, 'appsync'), [
    { action: 'lambda:InvokeFunction', resource: resolver.fn.config.arn },
  ])?.message;
}

/** AppSync's selectionSetList: every selected field path, nested paths joined with "/". */
function selectionSetList(set: SelectionSetNode | undefined, prefix = ''): string[] {
  if (!set) return [];
  return set.selections.flatMap((selection) => {
    if (selection.kind !== 'Field') return [];
    const path = `${prefix}${(selection as FieldNode).name.value}`;
    return [path, ...selectionSetList((selection as FieldNode).selectionSet, `${path}/`)];
  });
}

/** Errors as AppSync shapes them: errorType and errorInfo beside message, path and locations. */
function format(result: ExecutionResult) {
  return {
    data: result.data ?? null,
    ...(result.errors?.length
      ? {
          errors: result.errors.map((error: GraphQLError) => ({
            path: error.path,
            data: null,
            errorType: (error.originalError as { errorType?: string } | undefined)?.errorType ?? 'GraphQLError',
            errorInfo: null,
            locations: error.locations,
            message: error.message,
          })),
        }
      : {}),
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() });
  res.end(JSON.stringify(body));
}
