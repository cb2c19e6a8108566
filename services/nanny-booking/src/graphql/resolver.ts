import type { Schema } from '@zero-idle/core';
import type * as z from 'zod/mini';
import type { Caller, Role, User } from '../domain/model';
import type { BookingStore, Clock } from '../domain/ports';

/**
 * Who may call a field: anyone AppSync let in with the API key (`public`), any signed-in user even
 * before createUser (`signedIn`), or a user with an active account in one of the groups (`active`;
 * no groups: any). AppSync checks the schema's directives first; the router checks these again.
 */
export type Access = { kind: 'public' } | { kind: 'signedIn' } | { kind: 'active'; groups: Role[] };

export const publicWithApiKey = { kind: 'public' } as const;
export const signedIn = { kind: 'signedIn' } as const;
export const active = (...groups: Role[]) => ({ kind: 'active', groups }) as const;

/**
 * What of a user a field may show: the caller's own account, an account its reader may see (the
 * user, an admin, the other party of a booking: `account`, one or a page), the public profile, or no user.
 */
export type Shows = 'ownAccount' | 'account' | 'accountPage' | 'profile' | 'noUser';

export interface Request<A, K extends Access> {
  store: BookingStore;
  clock: Clock;
  /** From the verified token; for public fields, nobody (username ''). */
  caller: Caller;
  /** The caller's active account, for `active` fields. */
  me: K extends { kind: 'active' } ? User : undefined;
  args: A;
}

export interface Resolver {
  access: Access;
  args: Schema;
  shows: Shows;
  run(request: Request<unknown, Access>): Promise<unknown>;
}

/** A field's declaration: its access, argument schema, what it shows, and the use case it runs. */
export function resolver<S extends Schema, K extends Access>(definition: {
  access: K;
  args: S;
  shows: Shows;
  run: (request: Request<z.infer<S>, K>) => Promise<unknown>;
}): Resolver {
  return definition as unknown as Resolver;
}

export type Resolvers = Record<`${'Query' | 'Mutation'}.${string}`, Resolver>;
