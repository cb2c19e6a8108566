// The claim's timeline (claim.ts) on the in-memory twin the use cases' unit tests use; the DynamoDB
// implementation runs the same steps against DynamoDB Local in gas-price-notifier's and
// user-activation's integration tests.
import { describe, expect, it } from '@jest/globals';
import { memoryClaims } from '../../src/memoryClaims';

const LEASE = 1_000;

describe('memoryClaims', () => {
  it('claims once, is held while the lease runs, and is done after complete', async () => {
    const claims = memoryClaims<string>({ leaseMs: LEASE });
    const first = await claims.claim('a', 0);
    expect(first.state).toBe('claimed');
    await expect(claims.claim('a', LEASE)).resolves.toMatchObject({ state: 'held' });
    if (first.state !== 'claimed') return;
    await claims.complete('a', first.token, 10, { messageId: 'm', lastError: undefined });
    await expect(claims.claim('a', LEASE * 10)).resolves.toMatchObject({ state: 'done', item: { messageId: 'm', claimState: 'DONE' } });
  });

  it('is taken over after the lease, and the old holder can neither complete nor release it', async () => {
    const claims = memoryClaims<string>({ leaseMs: LEASE });
    const dead = await claims.claim('a', 0);
    const next = await claims.claim('a', LEASE + 1);
    expect(next.state).toBe('claimed');
    if (dead.state !== 'claimed' || next.state !== 'claimed') return;
    await expect(claims.complete('a', dead.token, LEASE + 2)).rejects.toThrow('conditional request failed');
    await claims.release('a', dead.token, 'late');
    await expect(claims.claim('a', LEASE + 3)).resolves.toMatchObject({ state: 'held' });
  });

  it('is free again after release, with the error kept', async () => {
    const claims = memoryClaims<string>({ leaseMs: LEASE });
    const first = await claims.claim('a', 0);
    if (first.state !== 'claimed') throw new Error('not claimed');
    await claims.release('a', first.token, 'SES said no');
    expect(claims.items.get('"a"')).toEqual({ claimError: 'SES said no' });
    await expect(claims.claim('a', 1)).resolves.toMatchObject({ state: 'claimed' });
  });

  it("refuses when the caller's condition does not hold", async () => {
    const claims = memoryClaims<string>({ leaseMs: LEASE, condition: (_id, item) => item !== undefined });
    await expect(claims.claim('missing', 0)).resolves.toEqual({ state: 'refused', item: undefined });
  });
});
