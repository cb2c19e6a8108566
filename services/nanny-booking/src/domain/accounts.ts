import type { z } from 'zod/mini';
import { type accountStatusArgs, type createUserInput, type PageArgs, pageRequest, type updateUserInput } from './inputs';
import type { Caller, Page, Profile, User } from './model';
import type { BookingStore, Clock } from './ports';
import { ratingAverage, requireActive, roleOf } from './rules';

/** The caller's own account; null before createUser; a deactivated account reads nothing, not even this. */
export async function me(store: BookingStore, caller: Caller): Promise<User | null> {
  const user = await store.users.get(caller.username);
  return user ? requireActive(user, caller) : null;
}

/** An account by username: who may read it is the resolver's declaration (shows: 'account'). */
export async function getUser(store: BookingStore, username: string): Promise<User | null> {
  return (await store.users.get(username)) ?? null;
}

export const listUsers = (store: BookingStore, page: PageArgs): Promise<Page<User>> => store.users.list(pageRequest(page));

/** The caller's profile, its role from the token's groups; UNVERIFIED until an admin verifies it. */
export function createUser(store: BookingStore, clock: Clock, caller: Caller, { email, name }: z.infer<typeof createUserInput>): Promise<User> {
  const role = roleOf(caller);
  return store.users.create({ username: caller.username, email, name, role, status: 'UNVERIFIED', createdAt: clock.now().toISOString() });
}

export const updateUser = (store: BookingStore, current: User, change: z.infer<typeof updateUserInput>): Promise<User> => store.users.update(current, change);

export const setAccountStatus = (store: BookingStore, { username, status }: z.infer<typeof accountStatusArgs>): Promise<User> =>
  store.users.setStatus(username, status);

/** The public profile: name, role, ratings and the latest reviews; nothing for a deactivated account. */
export async function profile(store: BookingStore, username: string): Promise<Profile | null> {
  const user = await store.users.get(username);
  if (!user || user.status === 'DEACTIVATED') return null;
  const reviews = await store.reviews.of(user.username, 20);
  return {
    username: user.username,
    name: user.name,
    role: user.role,
    ratingAverage: ratingAverage(user),
    ratingCount: user.ratingCount ?? 0,
    reviews: reviews.items,
  };
}
