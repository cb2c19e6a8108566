import { Forbidden } from '../domain/errors';
import type { Caller, Page, Profile, User } from '../domain/model';
import type { BookingStore } from '../domain/ports';
import { accountReadableBy, ratingAverage } from '../domain/rules';
import type { Shows } from './resolver';

/** A user as the schema's User shows it: the rating average instead of the stored sum. */
export function shownAccount(user: User) {
  const { ratingSum: _sum, ...rest } = user;
  return { ...rest, ratingAverage: ratingAverage(user), ratingCount: user.ratingCount ?? 0 };
}

const profileOnly = ({ username, name, role, ratingAverage, ratingCount, reviews }: Profile): Profile => ({
  username,
  name,
  role,
  ratingAverage,
  ratingCount,
  reviews,
});

/** A resolver's result as its declaration (`shows`) lets the caller see it. */
export async function present(shows: Shows, result: unknown, viewer: { caller: Caller; me?: User; store: BookingStore }): Promise<unknown> {
  if (result === null || result === undefined || shows === 'noUser') return result ?? null;
  const readable = async (user: User) => {
    if (!viewer.me || !(await accountReadableBy(viewer.me, user, viewer.store.jobs.hasBooking))) {
      throw new Forbidden(`Only ${user.username}, an admin or the other party of a booking reads this account; profile(username) is public`);
    }
    return shownAccount(user);
  };
  switch (shows) {
    case 'ownAccount': {
      const user = result as User;
      if (user.username !== viewer.caller.username) throw new Error(`A resolver declared ownAccount returned ${user.username}'s account`);
      return shownAccount(user);
    }
    case 'account':
      return readable(result as User);
    case 'accountPage': {
      const page = result as Page<User>;
      return { ...page, items: await Promise.all(page.items.map(readable)) };
    }
    case 'profile':
      return profileOnly(result as Profile);
  }
}
