import type { Activations, Clock, ResendLimits, ResendThrottle, TokenRenewal } from './ports';
import { newToken } from './user';

/** Refused by the rate limit: the same for every username, so the answer tells nobody who has an account. */
export class ResendRefused extends Error {
  override name = 'ResendRefused';
  constructor(
    readonly reason: 'too-soon' | 'limit',
    message: string,
  ) {
    super(message);
  }
}

export interface ResendDependencies {
  throttle: ResendThrottle;
  users: TokenRenewal;
  activations: Activations;
  clock: Clock;
  limits: ResendLimits & { ttlHours: number };
}

/**
 * A new activation email on request: the rate limit is taken first, for any username, known or not;
 * then a user who is not active gets a new token version (the old link stops working) and its
 * workflow. Unknown and active users get the same answer as the others, and no email.
 */
export async function resendActivation(deps: ResendDependencies, username: string): Promise<{ resent: boolean; tokenVersion?: number }> {
  const now = deps.clock.now();
  const { cooldownMs, maxResends } = deps.limits;
  const allowed = await deps.throttle.take(username, now, { cooldownMs, maxResends });
  if (allowed === 'limit') throw new ResendRefused('limit', `No more activation emails for ${username}: the limit of ${maxResends} resends is reached`);
  if (allowed === 'too-soon') throw new ResendRefused('too-soon', `Wait ${cooldownMs / 1000} seconds between activation emails`);
  const user = await deps.users.renewToken(username, newToken(now, deps.limits.ttlHours), now);
  if (!user) return { resent: false };
  await deps.activations.start({ username: user.username, tokenVersion: user.tokenVersion });
  return { resent: true, tokenVersion: user.tokenVersion };
}
