import type { GraphQLResolveInfo } from 'graphql';

/**
 * AppSync's per-request limits (AWS::AppSync::GraphQLApi QueryDepthLimit and ResolverCountLimit; see
 * https://docs.aws.amazon.com/appsync/latest/devguide/configuration-limits.html). Both fail fields, not
 * the request: a field past the depth limit is not resolved and reads null with a QueryDepthLimitReached
 * error; once a request has invoked its limit of resolvers, each further one is not invoked and reads
 * null with ResolverExecutionLimitReached (AWS's default limit, 10,000). A non-null field's error goes to
 * its first nullable parent, as for any field error. AWS documents the errorTypes, not the messages:
 * the messages below are ours (the resolver one as AppSync users have quoted it).
 */
export interface ApiLimits {
  /** 0: none. */
  queryDepth: number;
  resolverCount: number;
}

const DEFAULT_RESOLVER_COUNT = 10_000;

/** The limits a template sets, refused out of AWS's ranges (QueryDepthLimit 0-75, ResolverCountLimit 0-10000). */
export function limitsOf(properties: Record<string, unknown>, where: string): ApiLimits {
  const read = (name: string, max: number) => {
    const value = properties[name] ?? 0;
    if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > max) {
      throw new Error(`${where}: ${name} must be an integer from 0 to ${max} (got ${JSON.stringify(value)})`);
    }
    return value as number;
  };
  const resolverCount = read('ResolverCountLimit', 10_000);
  return { queryDepth: read('QueryDepthLimit', 75), resolverCount: resolverCount || DEFAULT_RESOLVER_COUNT };
}

const limitError = (errorType: string, message: string) => Object.assign(new Error(message), { errorType });

/** The field's depth: the top-level field is 1, and every field below counts, leaves included (list indices do not). */
function depthOf(info: GraphQLResolveInfo): number {
  let depth = 0;
  for (let path: GraphQLResolveInfo['path'] | undefined = info.path; path; path = path.prev) if (typeof path.key === 'string') depth += 1;
  return depth;
}

/** One request's budget: call `field` before resolving any field, `invocation` before invoking a resolver. */
export function requestBudget(limits: ApiLimits) {
  let invoked = 0;
  return {
    field(info: GraphQLResolveInfo): void {
      if (limits.queryDepth && depthOf(info) > limits.queryDepth) {
        throw limitError('QueryDepthLimitReached', `Query depth limit of ${limits.queryDepth} reached at ${info.fieldName}`);
      }
    },
    invocation(): void {
      invoked += 1;
      if (invoked > limits.resolverCount) throw limitError('ResolverExecutionLimitReached', 'Resolver invocation limit reached.');
    },
  };
}
