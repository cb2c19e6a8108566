import { randomBytes, randomUUID } from 'node:crypto';
import { type Choice, filterPolicyFor, sameChoice } from './choice';
import type { Clock, Subscriber, SubscriberStore, SubscriptionState, TopicSubscriptions } from './ports';
import { changeNotice, personalLink } from './subscriberMessages';

/** At most one confirmation email, and one message to the subscriber alone (a link, a change notice), per address and hour. */
export const EMAIL_INTERVAL_MS = 3_600_000;

export interface SubscriptionDependencies {
  store: SubscriberStore;
  topic: TopicSubscriptions;
  clock: Clock;
  /** The site's URL, for the links in the messages. */
  siteUrl: string;
}

/** The address was emailed less than an hour ago: answered 429 with when to try again. */
export class TooSoon extends Error {
  override name = 'TooSoon';
  constructor(readonly retryAt: number) {
    super(`A confirmation email went to this address less than an hour ago: open the link in it, or try again after ${new Date(retryAt).toISOString()}`);
  }
}

/** No subscription has this token. */
export class UnknownToken extends Error {
  override name = 'UnknownToken';
}

/** The subscription ended (unsubscribed, or never confirmed in time): only subscribing again restarts it. */
export class SubscriptionEnded extends Error {
  override name = 'SubscriptionEnded';
}

export type SubscribeOutcome = { status: 'confirmation-sent' | 'updated'; subscriber: Subscriber };

function newSubscriber(email: string, choice: Choice, now: number): Subscriber {
  const at = new Date(now).toISOString();
  return {
    email,
    id: randomUUID(),
    token: randomBytes(24).toString('base64url'),
    choice,
    state: 'pending',
    confirmationSentAt: now,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * POST /subscriptions. A new address is subscribed with its filter policy and SNS mails the
 * confirmation link; an address already confirmed has its filter policy replaced (no second
 * subscription) and is told of the change; a pending or ended one is asked to confirm again. Each
 * email is taken from the address's hourly slot first, so racing requests send one; when SNS refuses,
 * what this request stored is undone.
 */
export async function subscribe(deps: SubscriptionDependencies, email: string, choice: Choice): Promise<SubscribeOutcome> {
  const now = deps.clock.now();
  const fresh = newSubscriber(email, choice, now);
  if (await deps.store.create(fresh))
    return { status: 'confirmation-sent', subscriber: await requestConfirmation(deps, fresh, undefined, () => deps.store.remove(fresh)) };

  const existing = await deps.store.get(email);
  if (!existing) throw new Error(`the subscriber ${email} was there a moment ago and is gone`);
  const subscriber = { ...existing, choice };
  const state = existing.subscriptionArn ? await deps.topic.stateOf(existing.subscriptionArn) : 'pending';
  if (existing.subscriptionArn && state === 'confirmed') {
    await deps.topic.setFilterPolicy(existing.subscriptionArn, filterPolicyFor(choice, existing.id));
    await deps.store.update(email, { choice, state }, now);
    // Told so that a change made by someone else with this address is seen (and undone with the link).
    if (!sameChoice(existing.choice, choice)) await tellOncePerInterval(deps, subscriber, changeNotice(subscriber, deps.siteUrl), now);
    return { status: 'updated', subscriber: { ...subscriber, state } };
  }
  const slot = await deps.store.takeEmailSlot(email, 'confirmation', now, now - EMAIL_INTERVAL_MS);
  if (!slot.taken) throw new TooSoon(slot.sentAt + EMAIL_INTERVAL_MS);
  const pendingArn = state === 'pending' ? existing.subscriptionArn : undefined;
  const confirmed = await requestConfirmation(deps, { ...subscriber, confirmationSentAt: now }, pendingArn, () =>
    deps.store.giveBackEmailSlot(email, 'confirmation', now, slot.previous),
  );
  return { status: 'confirmation-sent', subscriber: confirmed };
}

/**
 * Subscribes the address with its filter policy, which makes SNS send the confirmation email (again,
 * for a pending subscription: its policy is set first, since SNS refuses a Subscribe whose attributes
 * differ from the existing subscription's).
 */
async function requestConfirmation(
  deps: SubscriptionDependencies,
  subscriber: Subscriber,
  pendingArn: string | undefined,
  undo: () => Promise<void>,
): Promise<Subscriber> {
  const policy = filterPolicyFor(subscriber.choice, subscriber.id);
  let subscriptionArn: string;
  try {
    if (pendingArn) await deps.topic.setFilterPolicy(pendingArn, policy);
    subscriptionArn = await deps.topic.subscribe(subscriber.email, policy);
  } catch (error) {
    await undo();
    throw error;
  }
  await deps.store.update(subscriber.email, { choice: subscriber.choice, subscriptionArn, state: 'pending' }, deps.clock.now());
  return { ...subscriber, subscriptionArn, state: 'pending' };
}

/** The subscriber of a personal link, with its state as SNS has it now (kept in the table when it changed). */
export async function showSubscription(deps: SubscriptionDependencies, token: string): Promise<Subscriber> {
  const subscriber = await deps.store.byToken(token);
  if (!subscriber) throw new UnknownToken('This link is not valid: the subscription may have been removed');
  if (!subscriber.subscriptionArn || subscriber.state === 'ended') return subscriber;
  const state: SubscriptionState = await deps.topic.stateOf(subscriber.subscriptionArn);
  if (state !== subscriber.state) await deps.store.update(subscriber.email, { state }, deps.clock.now());
  return { ...subscriber, state };
}

/** A new choice from the personal link: the filter policy, then the table. */
export async function changeSubscription(deps: SubscriptionDependencies, token: string, choice: Choice): Promise<Subscriber> {
  const subscriber = await showSubscription(deps, token);
  if (subscriber.state === 'ended' || !subscriber.subscriptionArn)
    throw new SubscriptionEnded('This subscription has ended: subscribe again on the first page');
  await deps.topic.setFilterPolicy(subscriber.subscriptionArn, filterPolicyFor(choice, subscriber.id));
  await deps.store.update(subscriber.email, { choice }, deps.clock.now());
  return { ...subscriber, choice };
}

/** Stops the alerts: SNS unsubscribes the address; the table keeps that it ended. */
export async function endSubscription(deps: SubscriptionDependencies, token: string): Promise<Subscriber> {
  const subscriber = await deps.store.byToken(token);
  if (!subscriber) throw new UnknownToken('This link is not valid: the subscription may have been removed');
  if (subscriber.subscriptionArn && subscriber.state !== 'ended') await deps.topic.unsubscribe(subscriber.subscriptionArn);
  await deps.store.update(subscriber.email, { state: 'ended' }, deps.clock.now());
  return { ...subscriber, state: 'ended' };
}

/**
 * The link in every alert leads here: the personal link goes to the address through the topic, to its
 * own subscription only, so only the address's owner gets it. Whether it went is not told (the answer
 * must not say who is subscribed); at most one such email per hour.
 */
export async function sendPersonalLink(deps: SubscriptionDependencies, email: string): Promise<{ sent: boolean }> {
  const subscriber = await deps.store.get(email);
  if (!subscriber?.subscriptionArn || subscriber.state === 'ended') return { sent: false };
  if ((await deps.topic.stateOf(subscriber.subscriptionArn)) !== 'confirmed') return { sent: false };
  return { sent: await tellOncePerInterval(deps, subscriber, personalLink(subscriber, deps.siteUrl), deps.clock.now()) };
}

/** A message to this subscriber alone, if the address's hourly slot is free; the slot is given back if SNS fails. */
async function tellOncePerInterval(
  deps: SubscriptionDependencies,
  subscriber: Subscriber,
  message: { subject: string; message: string },
  now: number,
): Promise<boolean> {
  const slot = await deps.store.takeEmailSlot(subscriber.email, 'message', now, now - EMAIL_INTERVAL_MS);
  if (!slot.taken) return false;
  try {
    await deps.topic.tell(subscriber.id, message);
  } catch (error) {
    await deps.store.giveBackEmailSlot(subscriber.email, 'message', now, slot.previous);
    throw error;
  }
  return true;
}
