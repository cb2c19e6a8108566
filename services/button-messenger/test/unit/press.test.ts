import { describe, expect, it } from '@jest/globals';
import type { ComposedEmail, SendResult } from '@zero-idle/core';
import { type Button, CLAIM_LEASE_MS, hashSecret } from '../../src/domain/button';
import { type ClaimResult, type PressDependencies, type PressStore, pressButton, pressEmail, testEmail } from '../../src/domain/press';

/** An in-memory store with the same conditional semantics as the DynamoDB one. */
function memoryStore(initial?: Partial<Button>): PressStore & { row?: Button } {
  const store: PressStore & { row?: Button } = {
    row: initial
      ? { buttonId: 'B1', sender: 'me@example.com', recipients: ['gran@example.com'], subject: 'Hi', message: 'On our way', state: 'ARMED', ...initial }
      : undefined,
    async claim(_id, claimId, now, staleBefore, secretHash): Promise<ClaimResult> {
      const row = store.row;
      const claimable = row && (row.state === 'ARMED' || (row.state === 'SENDING' && (row.claimedAt ?? 0) < staleBefore));
      if (!row || !claimable || (secretHash !== undefined && row.secretHash !== secretHash)) return { claimed: false, button: row && { ...row } };
      store.row = { ...row, state: 'SENDING', claimId, claimedAt: now, attempts: (row.attempts ?? 0) + 1 };
      return { claimed: true, button: { ...store.row } };
    },
    async markSent(_id, claimId, messageId) {
      if (store.row?.claimId !== claimId) throw new Error('ConditionalCheckFailed');
      store.row = { ...store.row, state: 'SENT', messageId, claimId: undefined, claimedAt: undefined };
    },
    async release(_id, claimId, error) {
      if (store.row?.claimId !== claimId) throw new Error('ConditionalCheckFailed');
      store.row = { ...store.row, state: 'ARMED', lastError: error, claimId: undefined, claimedAt: undefined };
    },
  };
  return store;
}

function dependencies(store: PressStore, results: SendResult[] = [{ ok: true, messageId: 'm-1' }]) {
  const sent: Array<{ from: string; to: readonly string[]; email: ComposedEmail }> = [];
  let claims = 0;
  const deps: PressDependencies = {
    store,
    async send(from, to, email) {
      sent.push({ from, to, email });
      return results.shift() ?? { ok: true, messageId: `m-${sent.length}` };
    },
    now: () => 1_000_000,
    newClaimId: () => `claim-${++claims}`,
    hashSecret,
  };
  return { deps, sent };
}

const iotPress = { buttonId: 'B1', clickType: 'SINGLE', source: 'iot' } as const;

describe('pressButton', () => {
  it('sends the email to the recipients on the first press and marks the button SENT', async () => {
    const store = memoryStore({});
    const { deps, sent } = dependencies(store);
    await expect(pressButton(deps, iotPress)).resolves.toEqual({ outcome: 'sent', messageId: 'm-1', recipients: 1 });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.from).toBe('me@example.com');
    expect(sent[0]?.to).toEqual(['gran@example.com']);
    expect(store.row?.state).toBe('SENT');
  });

  it('sends nothing on later presses and says so', async () => {
    const store = memoryStore({ state: 'SENT', sentAt: '2026-01-01T00:00:00.000Z' });
    const { deps, sent } = dependencies(store);
    await expect(pressButton(deps, iotPress)).resolves.toEqual({ outcome: 'already-sent', sentAt: '2026-01-01T00:00:00.000Z' });
    expect(sent).toHaveLength(0);
  });

  it('gives the claim back when the send fails, so the next press sends', async () => {
    const store = memoryStore({});
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
    const { deps, sent } = dependencies(store, [{ ok: false, error: throttled, retryable: true }]);
    await expect(pressButton(deps, iotPress)).resolves.toEqual({ outcome: 'failed', error: 'Rate exceeded', retryable: true });
    expect(store.row?.state).toBe('ARMED');
    expect(store.row?.lastError).toBe('TooManyRequestsException: Rate exceeded');
    await expect(pressButton(deps, iotPress)).resolves.toMatchObject({ outcome: 'sent' });
    expect(sent).toHaveLength(2);
    expect(store.row?.state).toBe('SENT');
  });

  it('reports a live claim as in progress and takes over an abandoned one', async () => {
    const live = memoryStore({ state: 'SENDING', claimId: 'other', claimedAt: 1_000_000 - 1_000 });
    await expect(pressButton(dependencies(live).deps, iotPress)).resolves.toEqual({ outcome: 'in-progress' });
    const abandoned = memoryStore({ state: 'SENDING', claimId: 'other', claimedAt: 1_000_000 - CLAIM_LEASE_MS - 1 });
    await expect(pressButton(dependencies(abandoned).deps, iotPress)).resolves.toMatchObject({ outcome: 'sent' });
  });

  it('refuses an unknown button', async () => {
    const { deps, sent } = dependencies(memoryStore());
    await expect(pressButton(deps, iotPress)).resolves.toEqual({ outcome: 'unknown-button' });
    expect(sent).toHaveLength(0);
  });

  it('lets the HTTPS trigger claim only with the right secret', async () => {
    const store = memoryStore({ secretHash: hashSecret('s3cret') });
    const { deps, sent } = dependencies(store);
    const http = { buttonId: 'B1', clickType: 'SINGLE', source: 'http' } as const;
    await expect(pressButton(deps, { ...http, secret: 'wrong' })).resolves.toEqual({ outcome: 'unauthorized' });
    await expect(pressButton(deps, http)).resolves.toEqual({ outcome: 'unauthorized' });
    expect(sent).toHaveLength(0);
    await expect(pressButton(deps, { ...http, secret: 's3cret' })).resolves.toMatchObject({ outcome: 'sent' });
    // Once sent, a wrong secret still learns nothing about the button's state.
    await expect(pressButton(deps, { ...http, secret: 'wrong' })).resolves.toEqual({ outcome: 'unauthorized' });
  });

  it('refuses the HTTPS trigger for a button that has no secret', async () => {
    const { deps } = dependencies(memoryStore({}));
    await expect(pressButton(deps, { buttonId: 'B1', clickType: 'SINGLE', source: 'http', secret: 'anything' })).resolves.toEqual({ outcome: 'unauthorized' });
  });
});

describe('press emails', () => {
  it('escapes the message in the HTML body and keeps it as written in the text body', () => {
    const email = pressEmail({ subject: 'Baby <on> the way', message: '<script>alert(1)</script> & "love"' });
    expect(email.text).toBe('<script>alert(1)</script> & "love"');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;love&quot;');
    expect(email.html).not.toContain('<script>');
    expect(email.subject).toBe('Baby <on> the way');
  });

  it('marks the test email as a test', () => {
    expect(testEmail({ subject: 'Hi', message: 'x' }).subject).toBe('[test] Hi');
  });
});
