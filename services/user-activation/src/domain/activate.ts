import type { Clock } from './ports';
import { checkToken, type TokenCheck, type User } from './user';

export interface ActivateDependencies {
  users: {
    get(username: string): Promise<User | undefined>;
    /** DONE, only for this token version, unexpired, and once. */
    activate(username: string, tokenVersion: number, now: number): Promise<boolean>;
  };
  secret: string;
  clock: Clock;
}

/**
 * The emailed token against the user's current version, then one conditional write: a link works
 * once, and only the newest link works. The caller answers every failure the same way.
 */
export async function activateAccount(deps: ActivateDependencies, username: string, token: string): Promise<{ activated: boolean; check: TokenCheck }> {
  const now = deps.clock.now();
  const user = await deps.users.get(username.toLowerCase());
  const check = checkToken(deps.secret, user, token, now);
  const activated = check === 'valid' && user ? await deps.users.activate(user.username, user.tokenVersion, now) : false;
  return { activated, check };
}
