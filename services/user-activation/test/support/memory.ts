import { memoryClaims } from '@zero-idle/core';
import { MAIL_LEASE_MS } from '../../src/domain/activationMail';
import type { MailId, ResendThrottle, TokenRenewal } from '../../src/domain/ports';
import type { User } from '../../src/domain/user';

/**
 * In-memory twins of the Users table for the use cases' unit tests: the mail claims live on the user
 * items, as they do in the table, and resend counters per username, known or not.
 */
export function memoryUsers(users: User[] = []) {
  const mail = memoryClaims<MailId>({
    leaseMs: MAIL_LEASE_MS,
    keyOf: ({ username }) => username,
    condition: ({ tokenVersion }, item) => item?.tokenVersion === tokenVersion && item.status === 'NONE',
  });
  for (const user of users) mail.items.set(user.username, { ...user });
  const counters = new Map<string, { lastMailRequestedAt: number; resendCount: number }>();

  const throttle: ResendThrottle = {
    async take(username, now, limits) {
      const counter = counters.get(username);
      if (counter && counter.resendCount >= limits.maxResends) return 'limit';
      if (counter && counter.lastMailRequestedAt > now - limits.cooldownMs) return 'too-soon';
      counters.set(username, { lastMailRequestedAt: now, resendCount: (counter?.resendCount ?? 0) + 1 });
      return 'allowed';
    },
  };
  const renewal: TokenRenewal = {
    async renewToken(username, token, now) {
      const user = mail.items.get(username) as User | undefined;
      if (!user || user.status === 'DONE') return undefined;
      const { claimState: _s, claimToken: _t, leaseUntil: _l, claimedAt: _c, claimError: _e, ...rest } = user as User & Record<string, unknown>;
      const renewed = { ...rest, ...token, status: 'NONE', tokenVersion: user.tokenVersion + 1, renewedAt: now } as User;
      mail.items.set(username, renewed as unknown as Record<string, unknown>);
      return renewed;
    },
  };
  return { mail, throttle, renewal, counters, user: (username: string) => mail.items.get(username) };
}
