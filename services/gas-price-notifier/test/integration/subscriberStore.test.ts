// The subscriber store on DynamoDB Local: the conditional writes that keep one subscriber per
// address and one email per hour hold under racing requests, round after round.

import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from '@jest/globals';
import type { Subscriber } from '../../src/domain/ports';
import { subscriberStore } from '../../src/subscriberStore';
import { db, TABLE } from '../support/prices';
import { anAddress } from '../support/subscribers';

const store = subscriberStore(db, TABLE);
const HOUR = 3_600_000;

function aSubscriber(email: string, token = `${Math.random().toString(36).slice(2)}${'t'.repeat(24)}`): Subscriber {
  const at = new Date().toISOString();
  return { email, id: `id-${token}`, token, choice: { regions: ['albany'] }, state: 'pending', confirmationSentAt: Date.now(), createdAt: at, updatedAt: at };
}

describe('the subscriber store on DynamoDB Local', () => {
  it('creates one subscriber per address however many requests race, 10 rounds of 10', async () => {
    for (let round = 0; round < 10; round += 1) {
      const email = anAddress(`create${round}`);
      const created = await Promise.all(Array.from({ length: 10 }, () => store.create(aSubscriber(email))));
      expect({ round, created: created.filter(Boolean).length }).toEqual({ round, created: 1 });
    }
  });

  it('gives each hourly slot to one of 10 racing requests, 10 rounds, and back only to its holder', async () => {
    for (let round = 0; round < 10; round += 1) {
      const subscriber = aSubscriber(anAddress(`slot${round}`));
      await store.create({ ...subscriber, confirmationSentAt: Date.now() - 2 * HOUR });
      const now = Date.now();
      const slots = await Promise.all(Array.from({ length: 10 }, (_, index) => store.takeEmailSlot(subscriber.email, 'confirmation', now + index, now - HOUR)));
      const taken = slots.filter((slot) => slot.taken);
      expect({ round, taken: taken.length }).toEqual({ round, taken: 1 });
      // The message slot is its own: never taken yet, so free.
      await expect(store.takeEmailSlot(subscriber.email, 'message', now, now - HOUR)).resolves.toMatchObject({ taken: true, previous: 0 });
      const winner = (await store.get(subscriber.email))?.confirmationSentAt ?? 0;
      await store.giveBackEmailSlot(subscriber.email, 'confirmation', winner + 1_000, 1); // not ours: nothing changes
      expect((await store.get(subscriber.email))?.confirmationSentAt).toBe(winner);
      await store.giveBackEmailSlot(subscriber.email, 'confirmation', winner, 7);
      expect((await store.get(subscriber.email))?.confirmationSentAt).toBe(7);
    }
  });

  it('keeps the state (a reserved word) and the expiry of an ended subscriber, and an old link opens nothing', async () => {
    const subscriber = aSubscriber(anAddress('ended'));
    await store.create(subscriber);
    await store.update(subscriber.email, { state: 'ended' }, Date.now());
    const key = { pk: `SUBSCRIBER#${subscriber.email}`, sk: 'SUBSCRIBER' };
    expect((await db.send(new GetCommand({ TableName: TABLE, Key: key }))).Item).toMatchObject({ state: 'ended', expiresAt: expect.any(Number) });
    await store.update(subscriber.email, { state: 'pending', subscriptionArn: 'arn:aws:sns:us-east-1:000000000000:t:1' }, Date.now());
    expect((await db.send(new GetCommand({ TableName: TABLE, Key: key }))).Item).not.toHaveProperty('expiresAt');
    await expect(store.byToken(subscriber.token)).resolves.toMatchObject({ email: subscriber.email, state: 'pending' });

    // Expired by the TTL (which leaves the token's item), then subscribed again with a new token: the old link is dead.
    await db.send(new DeleteCommand({ TableName: TABLE, Key: key }));
    await expect(store.get(subscriber.email)).resolves.toBeUndefined();
    const again = aSubscriber(subscriber.email);
    await store.create(again);
    await expect(store.byToken(subscriber.token)).resolves.toBeUndefined();
    await expect(store.byToken(again.token)).resolves.toMatchObject({ id: again.id });
    // Removed (SNS refused its first subscription): nothing of it stays.
    await store.remove(again);
    await expect(store.get(again.email)).resolves.toBeUndefined();
    expect((await db.send(new GetCommand({ TableName: TABLE, Key: { pk: `TOKEN#${again.token}`, sk: 'TOKEN' } }))).Item).toBeUndefined();
  });
});
