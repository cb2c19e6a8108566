import { parse } from '@zero-idle/core';
import { Forbidden, Validation } from '../domain/errors';
import type { Caller, User } from '../domain/model';
import type { BookingStore, Clock } from '../domain/ports';
import { requireActive } from '../domain/rules';
import { present } from './present';
import type { Resolvers } from './resolver';

/** What the router reads of AppSync's direct Lambda resolver event. */
export interface FieldCall {
  arguments: Record<string, unknown>;
  identity?: { username: string; groups?: string[] | null } | null;
  info: { parentTypeName: string; fieldName: string };
}

/**
 * Routes a field to its resolver: checks the declared access (the caller comes from the verified
 * token in `identity`, never from arguments), parses the arguments with the declared schema, runs
 * the use case, and shows of a user only what the declaration allows.
 */
export function graphqlRouter(resolvers: Resolvers, deps: { store: BookingStore; clock: Clock }) {
  return async function route(call: FieldCall): Promise<unknown> {
    const field = `${call.info.parentTypeName}.${call.info.fieldName}` as keyof Resolvers;
    const resolver = resolvers[field];
    if (!resolver) throw new Error(`No resolver for ${field}`);
    const { access } = resolver;
    // Public fields (AppSync let an API key through) have no caller; everything else needs one.
    if (!call.identity && access.kind !== 'public') throw new Forbidden('A Cognito user pool token is required');
    const caller: Caller = { username: call.identity?.username ?? '', groups: call.identity?.groups ?? [] };
    let me: User | undefined;
    if (access.kind === 'active') {
      me = requireActive(await deps.store.users.get(caller.username), caller);
      if (access.groups.length && !access.groups.some((group) => caller.groups.includes(group))) {
        throw new Forbidden(`Only ${access.groups.join(' or ')} accounts call ${call.info.fieldName}`);
      }
    }
    const args = parse(resolver.args, call.arguments);
    if (!args.ok) throw new Validation(args.problems);
    const result = await resolver.run({ ...deps, caller, me, args: args.value });
    return present(resolver.shows, result, { caller, me, store: deps.store });
  };
}
