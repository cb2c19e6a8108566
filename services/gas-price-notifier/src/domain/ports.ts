export type { Clock } from '@zero-idle/core';

import type { Choice } from './choice';
import type { ApiRow, Week } from './prices';

/** Why a week was stored: `fetch` weeks are new and may alert; `history` and `backfill` weeks never do. */
export type Origin = 'fetch' | 'history' | 'backfill';

/** The stored weeks (the Prices table in production, a map in unit tests). */
export interface WeekStore {
  latestWeek(): Promise<Week | undefined>;
  weekBefore(week: string): Promise<Week | undefined>;
  storedWeeks(from: string, to: string): Promise<Set<string>>;
  /** All together or none, each only if absent. */
  addWeeks(weeks: Array<{ week: Week; origin: Origin }>, now: number): Promise<void>;
}

/** The dataset's latest weeks, newest first, and how many attempts the fetch took. */
export interface PriceSource {
  latestWeeks(): Promise<{ rows: ApiRow[]; attempts: number }>;
}

/** One alert per week and region. */
export interface AlertId {
  week: string;
  region: string;
}

/** The message attributes subscribers' filter policies read: the region's id, the drop and the new price. */
export interface AlertAttributes {
  region: string;
  drop: number;
  price: number;
  week: string;
}

/** Where alerts go (the SNS topic); answers the message id. */
export interface AlertPublisher {
  publish(alert: { subject: string; message: string; attributes: AlertAttributes }): Promise<string>;
}

/** Where a subscription stands in SNS: waiting for its confirmation link, confirmed, or gone (unsubscribed, expired). */
export type SubscriptionState = 'pending' | 'confirmed' | 'ended';

/** A subscriber as the table keeps it: the address, the choice, the SNS subscription and when it was last emailed. */
export interface Subscriber {
  email: string;
  /** The `subscriber` attribute value that reaches this subscription alone (not secret, not the token). */
  id: string;
  /** The secret of the personal link, /subscriptions/{token}. */
  token: string;
  choice: Choice;
  subscriptionArn?: string;
  state: SubscriptionState;
  /** When SNS last sent this address a confirmation email at the service's request, and a message to it alone (a link, a change notice), epoch ms. */
  confirmationSentAt: number;
  messageSentAt?: number;
  createdAt: string;
  updatedAt: string;
}

export interface SubscriberStore {
  get(email: string): Promise<Subscriber | undefined>;
  byToken(token: string): Promise<Subscriber | undefined>;
  /** Creates the subscriber and its token, unless the address has one: false then. */
  create(subscriber: Subscriber): Promise<boolean>;
  /** Takes the address's hourly slot for this kind of email if the last one is older than `since`; else when that was. */
  takeEmailSlot(email: string, kind: EmailKind, now: number, since: number): Promise<{ taken: true; previous: number } | { taken: false; sentAt: number }>;
  /** Gives the slot back (to `previous`) after SNS refused, if it is still ours. */
  giveBackEmailSlot(email: string, kind: EmailKind, ours: number, previous: number): Promise<void>;
  update(email: string, changes: Partial<Pick<Subscriber, 'choice' | 'subscriptionArn' | 'state'>>, now: number): Promise<void>;
  /** Removes a subscriber whose first subscription SNS refused: nothing partial stays. */
  remove(subscriber: Subscriber): Promise<void>;
}

/** The emails the service makes SNS send an address, each kind at most once an hour. */
export type EmailKind = 'confirmation' | 'message';

/** The topic's subscriptions (SNS). */
export interface TopicSubscriptions {
  /** Subscribes the address with this filter policy; SNS emails the confirmation link. Answers the subscription ARN. */
  subscribe(email: string, filterPolicy: object): Promise<string>;
  setFilterPolicy(subscriptionArn: string, filterPolicy: object): Promise<void>;
  stateOf(subscriptionArn: string): Promise<SubscriptionState>;
  unsubscribe(subscriptionArn: string): Promise<void>;
  /** A message through the topic that only this subscriber's filter policy lets through. */
  tell(subscriberId: string, message: { subject: string; message: string }): Promise<void>;
}

/** The topic holds as many filter policies as SNS's quota allows (200 by default): answered 503 until it is raised. */
export class SubscriptionsFull extends Error {
  override name = 'SubscriptionsFull';
}

/** SNS refused the address itself (not a fault to retry): answered 400. */
export class AddressRefused extends Error {
  override name = 'AddressRefused';
}
