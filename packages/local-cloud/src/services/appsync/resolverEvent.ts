import type { CognitoIdentity } from './auth';

export interface ResolverCall {
  parentTypeName: string;
  fieldName: string;
  arguments: Record<string, unknown>;
  /** null for API_KEY callers, as AppSync sends it. */
  identity: CognitoIdentity | null;
  source?: unknown;
  headers?: Record<string, unknown>;
  variables?: Record<string, unknown>;
  selectionSetList?: string[];
}

/** The event AppSync sends a direct Lambda resolver for one field (no request mapping template). */
export function resolverEvent(call: ResolverCall) {
  return {
    arguments: call.arguments,
    identity: call.identity,
    source: call.source ?? null,
    request: { headers: call.headers ?? {}, domainName: null },
    prev: null,
    info: {
      fieldName: call.fieldName,
      parentTypeName: call.parentTypeName,
      variables: call.variables ?? {},
      selectionSetList: call.selectionSetList ?? [],
      selectionSetGraphQL: '',
    },
    stash: {},
  };
}
