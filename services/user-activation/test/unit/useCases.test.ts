// The activation email and the resend as use cases over in-memory twins (test/support/memory.ts):
// exactly one email per token version, a claim left by a dead invocation taken over after its lease,
// and the same answer to a resend whether the account exists or not.
import { describe, expect, it } from '@jest/globals';
import type { OutgoingEmail, SendResult } from '@zero-idle/core';
import { activateAccount } from '../../src/domain/activate';
import { MAIL_LEASE_MS, sendActivationMail } from '../../src/domain/activationMail';
import { resendActivation } from '../../src/domain/resend';
import { activationToken, type User } from '../../src/domain/user';
import { memoryUsers } from '../support/memory';

const START = Date.parse('2026-12-03T10:00:00Z');
const settings = { secret: 's'.repeat(32), baseUrl: 'https://example.com/activate', sender: 'no-reply@example.com' };
const alice: User = {
  username: 'alice',
  email: 'alice@example.com',
  name: 'Alice',
  status: 'NONE',
  tokenVersion: 1,
  tokenNonce: 'nonce-1',
  tokenExpiresAt: START + 48 * 3_600_000,
  createdAt: new Date(START).toISOString(),
};

function given(users: User[] = [alice], results: SendResult[] = []) {
  let now = START;
  const store = memoryUsers(users);
  const sent: OutgoingEmail[] = [];
  const mailer = {
    async send(email: OutgoingEmail): Promise<SendResult> {
      const result = results.shift() ?? { ok: true, messageId: `m-${sent.length + 1}` };
      if (result.ok) sent.push(email);
      return result;
    },
  };
  const clock = { now: () => now };
  const started: unknown[] = [];
  const activations = {
    async start(mail: unknown) {
      started.push(mail);
      return 'started' as const;
    },
  };
  return {
    store,
    sent,
    started,
    later: (ms: number) => (now += ms),
    send: (tokenVersion = 1) => sendActivationMail({ claims: store.mail, mailer, clock, settings }, { username: 'alice', tokenVersion }),
    resend: (username: string) =>
      resendActivation(
        { throttle: store.throttle, users: store.renewal, activations, clock, limits: { cooldownMs: 60_000, maxResends: 5, ttlHours: 48 } },
        username,
      ),
  };
}

describe('sendActivationMail', () => {
  it('sends one email per token version and marks it MAIL_SENT', async () => {
    const { send, sent, store } = given();
    await expect(send()).resolves.toEqual({ sent: true, messageId: 'm-1' });
    await expect(send()).resolves.toEqual({ sent: false, reason: 'already sent' });
    expect(sent).toHaveLength(1);
    expect(store.user('alice')).toMatchObject({ status: 'MAIL_SENT', mailMessageId: 'm-1', claimState: 'DONE' });
  });

  it('sends on the retry when the invocation holding the claim died, once the lease is over', async () => {
    const { send, sent, store, later } = given();
    await store.mail.claim({ username: 'alice', tokenVersion: 1 }, START); // the dead invocation
    await expect(send()).rejects.toMatchObject({ name: 'MailInProgress' });
    later(MAIL_LEASE_MS + 1);
    await expect(send()).resolves.toMatchObject({ sent: true });
    expect(sent).toHaveLength(1);
  });

  it('gives the claim back when SES refuses, so the retry sends', async () => {
    const throttled = { ok: false as const, error: Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }), retryable: true };
    const { send, sent, store } = given([alice], [throttled]);
    await expect(send()).rejects.toMatchObject({ name: 'MailNotSent' });
    expect(store.user('alice')).toMatchObject({ status: 'NONE', claimError: 'ThrottlingException: Rate exceeded' });
    await expect(send()).resolves.toMatchObject({ sent: true });
    expect(sent).toHaveLength(1);
  });

  it('sends nothing for a superseded version or an active user', async () => {
    const { send, sent } = given([{ ...alice, tokenVersion: 2 }]);
    await expect(send(1)).resolves.toEqual({ sent: false, reason: 'activated, superseded or unknown' });
    const active = given([{ ...alice, status: 'DONE' }]);
    await expect(active.send(1)).resolves.toMatchObject({ sent: false });
    expect([...sent, ...active.sent]).toEqual([]);
  });

  it('shows a stored name on one line, whatever it holds', async () => {
    const name = 'Eve\u202E\u0000\nYour account is locked. Verify at http://evil.example/login\u2028\u0085';
    const { send, sent } = given([{ ...alice, name }]);
    await send();
    expect(sent[0]?.subject).toBe('Activate your account, Eve Your account is locked. Verify at http://evil.example/login');
    expect(sent[0]?.text.split('\n')[0]).toBe('Hello Eve Your account is locked. Verify at http://evil.example/login,');
    expect(['\u0000', '\u0085', '\u2028', '\u202E'].filter((character) => sent[0]?.text.includes(character))).toEqual([]);
  });
});

describe('resendActivation', () => {
  it('answers a known and an unknown username alike, inside and past the cooldown', async () => {
    const { resend, later, started } = given();
    await expect(resend('alice')).resolves.toMatchObject({ resent: true, tokenVersion: 2 });
    await expect(resend('nobody')).resolves.toEqual({ resent: false });
    const tooSoon = await Promise.allSettled([resend('alice'), resend('nobody')]);
    expect(tooSoon.map((result) => result.status === 'rejected' && (result.reason as { reason: string }).reason)).toEqual(['too-soon', 'too-soon']);
    later(60_001);
    await expect(resend('nobody')).resolves.toEqual({ resent: false });
    expect(started).toEqual([{ username: 'alice', tokenVersion: 2 }]);
  });

  it('stops at the limit for every username', async () => {
    const { resend, later } = given();
    for (let round = 0; round < 5; round += 1) {
      await resend('alice');
      await resend('nobody');
      later(60_001);
    }
    await expect(resend('alice')).rejects.toMatchObject({ reason: 'limit' });
    await expect(resend('nobody')).rejects.toMatchObject({ reason: 'limit' });
  });

  it('starts a new claim with the new version, so its email goes out', async () => {
    const { resend, send, sent } = given();
    await send(1);
    await resend('alice');
    await expect(send(2)).resolves.toMatchObject({ sent: true });
    expect(sent).toHaveLength(2);
  });
});

describe('activateAccount', () => {
  function users(user: User) {
    const rows = new Map([[user.username, { ...user }]]);
    return {
      rows,
      get: async (username: string) => rows.get(username),
      async activate(username: string, tokenVersion: number, now: number) {
        const row = rows.get(username);
        if (!row || row.tokenVersion !== tokenVersion || row.status === 'DONE' || row.tokenExpiresAt < now) return false;
        rows.set(username, { ...row, status: 'DONE' });
        return true;
      },
    };
  }
  const clock = { now: () => START };

  it('activates with the current token once, and answers every other token alike', async () => {
    const table = users(alice);
    const token = activationToken(settings.secret, alice);
    const deps = { users: table, secret: settings.secret, clock };
    await expect(activateAccount(deps, 'Alice', 'x'.repeat(43))).resolves.toEqual({ activated: false, check: 'invalid' });
    await expect(activateAccount(deps, 'nobody', token)).resolves.toEqual({ activated: false, check: 'invalid' });
    await expect(activateAccount(deps, 'Alice', token)).resolves.toEqual({ activated: true, check: 'valid' });
    await expect(activateAccount(deps, 'alice', token)).resolves.toEqual({ activated: false, check: 'already-active' });
  });

  it('refuses an expired token, and an older version after a resend', async () => {
    const expired = { ...alice, tokenExpiresAt: START - 1 };
    const deps = { users: users(expired), secret: settings.secret, clock };
    await expect(activateAccount(deps, 'alice', activationToken(settings.secret, expired))).resolves.toEqual({ activated: false, check: 'expired' });
    const renewed = { ...alice, tokenVersion: 2, tokenNonce: 'nonce-2' };
    const old = activationToken(settings.secret, alice);
    await expect(activateAccount({ users: users(renewed), secret: settings.secret, clock }, 'alice', old)).resolves.toEqual({
      activated: false,
      check: 'invalid',
    });
  });
});
