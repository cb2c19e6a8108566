import { randomUUID } from 'node:crypto';
import { type ClaimOutcome, type Claims, refusedClaim } from './claim';

/**
 * The in-memory twin of `dynamoClaims`, for unit tests of use cases: the same states and the same
 * timeline (see claim.ts), with the caller's condition as a predicate over the item.
 */
export function memoryClaims<Id>(options: {
  leaseMs: number;
  keyOf?(id: Id): string;
  condition?(id: Id, item: Record<string, unknown> | undefined): boolean;
}): Claims<Id> & { items: Map<string, Record<string, unknown>> } {
  const items = new Map<string, Record<string, unknown>>();
  const keyOf = options.keyOf ?? ((id: Id) => JSON.stringify(id));
  const holding = (id: Id, token: string) => {
    const item = items.get(keyOf(id));
    return item?.claimToken === token ? item : undefined;
  };

  return {
    items,
    async claim(id, now): Promise<ClaimOutcome> {
      const item = items.get(keyOf(id));
      const free = !item?.claimState || (item.claimState === 'CLAIMED' && Number(item.leaseUntil) < now);
      if (!free || !(options.condition?.(id, item) ?? true)) return refusedClaim(item ? { ...item } : undefined, now);
      const token = randomUUID();
      const claimed = { ...item, claimState: 'CLAIMED', claimToken: token, leaseUntil: now + options.leaseMs, claimedAt: now };
      items.set(keyOf(id), claimed);
      return { state: 'claimed', token, item: { ...claimed } };
    },
    async complete(id, token, now, result = {}) {
      const item = holding(id, token);
      if (!item) throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
      const { claimToken: _token, leaseUntil: _lease, claimError: _error, ...rest } = item;
      const done: Record<string, unknown> = { ...rest, ...result, claimState: 'DONE', doneAt: new Date(now).toISOString() };
      for (const [name, value] of Object.entries(result)) if (value === undefined) delete done[name];
      items.set(keyOf(id), done);
    },
    async release(id, token, error) {
      const item = holding(id, token);
      if (!item) return;
      const { claimState: _state, claimToken: _token, leaseUntil: _lease, claimedAt: _at, ...rest } = item;
      items.set(keyOf(id), { ...rest, claimError: error });
    },
  };
}
