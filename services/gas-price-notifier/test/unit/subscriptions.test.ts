// The subscription use cases over in-memory twins: one subscription per address, an email per hour,
// nothing left behind when SNS refuses, the personal link only to the address's owner.
import { describe, expect, it } from '@jest/globals';
import { AddressRefused } from '../../src/domain/ports';
import {
  changeSubscription,
  EMAIL_INTERVAL_MS,
  endSubscription,
  SubscriptionEnded,
  sendPersonalLink,
  showSubscription,
  subscribe,
  TooSoon,
  UnknownToken,
} from '../../src/domain/subscriptions';
import { memorySubscriberStore, memoryTopic } from '../support/memorySubscriptions';

const EMAIL = 'jo@example.com';

function given(options: Parameters<typeof memoryTopic>[0] = {}) {
  let now = Date.parse('2026-12-01T15:00:00Z');
  const store = memorySubscriberStore();
  const sns = memoryTopic(options);
  const deps = { store, topic: sns.topic, clock: { now: () => now }, siteUrl: 'https://gas.example.com' };
  return { deps, store, sns, later: (ms: number) => (now += ms) };
}

describe('subscribe', () => {
  it('subscribes a new address with its choice, pending until the link in the confirmation email is opened', async () => {
    const { deps, store, sns } = given();
    const { status, subscriber } = await subscribe(deps, EMAIL, { regions: ['albany'], minDrop: 0.05 });
    expect(status).toBe('confirmation-sent');
    expect(subscriber).toMatchObject({ email: EMAIL, state: 'pending', subscriptionArn: expect.stringContaining('arn:aws:sns:') });
    expect(sns.mailed).toEqual([{ kind: 'confirmation', to: EMAIL }]);
    expect(store.items.get(EMAIL)).toMatchObject({ choice: { regions: ['albany'], minDrop: 0.05 }, subscriptionArn: subscriber.subscriptionArn });
    expect(subscriber.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('sends one confirmation an hour however often the address subscribes, and again after the hour', async () => {
    const { deps, sns, later } = given();
    await subscribe(deps, EMAIL, { regions: ['albany'] });
    await expect(subscribe(deps, EMAIL, { regions: ['buffalo'] })).rejects.toBeInstanceOf(TooSoon);
    later(EMAIL_INTERVAL_MS - 1);
    await expect(subscribe(deps, EMAIL, { regions: ['buffalo'] })).rejects.toBeInstanceOf(TooSoon);
    later(1);
    const again = await subscribe(deps, EMAIL, { regions: ['buffalo'] });
    expect(again.status).toBe('confirmation-sent');
    expect(sns.mailed.filter((mail) => mail.kind === 'confirmation')).toHaveLength(2);
    // Still one subscription, with the new choice: its policy was set before Subscribe was asked again.
    expect(sns.subscriptions.size).toBe(1);
    expect(JSON.stringify([...sns.subscriptions.values()][0]?.policy)).toContain('"region":["buffalo"]');
  });

  it("replaces a confirmed subscription's filter policy instead of subscribing twice, and tells the subscriber", async () => {
    const { deps, sns, later } = given();
    const first = await subscribe(deps, EMAIL, { regions: ['albany'] });
    sns.confirm(EMAIL);
    later(EMAIL_INTERVAL_MS);
    const changed = await subscribe(deps, EMAIL, { regions: ['buffalo'], below: 3.1 });
    expect(changed).toMatchObject({ status: 'updated', subscriber: { state: 'confirmed', subscriptionArn: first.subscriber.subscriptionArn } });
    expect(sns.subscriptions.size).toBe(1);
    expect(JSON.stringify([...sns.subscriptions.values()][0]?.policy)).toContain('"region":["buffalo"]');
    expect(sns.mailed.at(-1)).toEqual({ kind: 'told', to: EMAIL, subject: 'Your gas price alerts changed' });
    // A second change within the hour is made, without another email.
    await subscribe(deps, EMAIL, { regions: ['albany'] });
    expect(sns.mailed.filter((mail) => mail.kind === 'told')).toHaveLength(1);
    // The same choice again changes nothing worth telling, even after the hour.
    later(EMAIL_INTERVAL_MS);
    await subscribe(deps, EMAIL, { regions: ['albany'] });
    expect(sns.mailed.filter((mail) => mail.kind === 'told')).toHaveLength(1);
  });

  it('stores nothing when SNS refuses a new address, so the address can try again at once', async () => {
    const { deps, store } = given({ refuse: (email) => (email.startsWith('bad') ? new AddressRefused('Invalid parameter: Email address') : undefined) });
    await expect(subscribe(deps, 'bad@example.com', { regions: ['albany'] })).rejects.toBeInstanceOf(AddressRefused);
    expect(store.items.size).toBe(0);
  });

  it('gives the hour back when SNS fails to subscribe an address it had before', async () => {
    let fail = false;
    const { deps, store, sns, later } = given({ refuse: () => (fail ? new Error('Throttling') : undefined) });
    const { subscriber } = await subscribe(deps, EMAIL, { regions: ['albany'] });
    await sns.topic.unsubscribe(subscriber.subscriptionArn ?? '');
    later(EMAIL_INTERVAL_MS);
    const confirmationSentAt = store.items.get(EMAIL)?.confirmationSentAt;
    fail = true;
    await expect(subscribe(deps, EMAIL, { regions: ['buffalo'] })).rejects.toThrow('Throttling');
    expect(store.items.get(EMAIL)).toMatchObject({ confirmationSentAt, choice: { regions: ['albany'] } });
    fail = false;
    await expect(subscribe(deps, EMAIL, { regions: ['buffalo'] })).resolves.toMatchObject({ status: 'confirmation-sent' });
  });
});

describe('the personal link', () => {
  it('shows the state SNS has, changes the choice, and stops the alerts', async () => {
    const { deps, sns, store } = given();
    const { subscriber } = await subscribe(deps, EMAIL, { regions: ['albany'] });
    await expect(showSubscription(deps, subscriber.token)).resolves.toMatchObject({ state: 'pending' });
    sns.confirm(EMAIL);
    await expect(showSubscription(deps, subscriber.token)).resolves.toMatchObject({ state: 'confirmed' });
    expect(store.items.get(EMAIL)?.state).toBe('confirmed');
    await changeSubscription(deps, subscriber.token, { regions: ['new_york_city'], minDrop: 0.1 });
    expect(JSON.stringify([...sns.subscriptions.values()][0]?.policy)).toContain('"region":["new_york_city"],"drop"');
    await expect(endSubscription(deps, subscriber.token)).resolves.toMatchObject({ state: 'ended' });
    expect([...sns.subscriptions.values()][0]?.state).toBe('ended');
    await expect(changeSubscription(deps, subscriber.token, { regions: ['albany'] })).rejects.toBeInstanceOf(SubscriptionEnded);
  });

  it("sees a subscription ended by SNS's own unsubscribe link", async () => {
    const { deps, sns, store } = given();
    const { subscriber } = await subscribe(deps, EMAIL, { regions: ['albany'] });
    sns.confirm(EMAIL);
    await sns.topic.unsubscribe(subscriber.subscriptionArn ?? '');
    await expect(showSubscription(deps, subscriber.token)).resolves.toMatchObject({ state: 'ended' });
    expect(store.items.get(EMAIL)?.state).toBe('ended');
  });

  it('refuses a token nobody has', async () => {
    const { deps } = given();
    await expect(showSubscription(deps, 'x'.repeat(32))).rejects.toBeInstanceOf(UnknownToken);
    await expect(endSubscription(deps, 'x'.repeat(32))).rejects.toBeInstanceOf(UnknownToken);
  });

  it('goes by SNS to a confirmed address only, once an hour, and says nothing about who is subscribed', async () => {
    const { deps, sns, later } = given();
    await expect(sendPersonalLink(deps, 'nobody@example.com')).resolves.toEqual({ sent: false });
    await subscribe(deps, EMAIL, { regions: ['albany'] });
    await expect(sendPersonalLink(deps, EMAIL)).resolves.toEqual({ sent: false }); // pending: nothing reaches it
    sns.confirm(EMAIL);
    later(EMAIL_INTERVAL_MS);
    await expect(sendPersonalLink(deps, EMAIL)).resolves.toEqual({ sent: true });
    await expect(sendPersonalLink(deps, EMAIL)).resolves.toEqual({ sent: false });
    expect(sns.mailed.filter((mail) => mail.kind === 'told')).toEqual([
      { kind: 'told', to: EMAIL, subject: 'Your gas price alerts: your link to change or stop them' },
    ]);
  });
});
