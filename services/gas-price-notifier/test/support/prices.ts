import { readFileSync } from 'node:fs';
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@zero-idle/core';
import { confirmSubscription, inbox, standIn } from '@zero-idle/local-cloud/testing';
import { priceStore } from '../../src/store';

export const TABLE = 'gas-price-notifier-dev-prices';
export const RULE = 'gas-price-notifier-dev-weekly-fetch';
export const FETCH = 'gas-price-notifier-dev-fetchPrices';
export const PUBLISH = 'gas-price-notifier-dev-publishDrops';
export const SUBSCRIBER = 'gas-alerts@example.com';
export const db = createDocumentClient();
export const store = priceStore(db, TABLE);
export const api = () => standIn('https://data.ny.gov');

/** The sample's ten real weeks (2017-01-23 .. 2017-03-27, all falling), newest first as the API sends them. */
export const sample = JSON.parse(readFileSync(new URL('../../local/ny-gasoline-weekly-2017-q1.json', import.meta.url), 'utf8')) as Array<
  Record<string, string | null>
>;

/** A week in the API's format, based on the newest sample week. */
export function row(date: string, prices: Record<string, string | null>): Record<string, string | null> {
  return { ...sample[0], date: `${date}T00:00:00.000`, ...prices };
}

/** Given an empty table (the tests of this file share it, one at a time). */
export async function givenNoStoredWeeks(): Promise<void> {
  for (;;) {
    const { Items = [] } = await db.send(new ScanCommand({ TableName: TABLE, ProjectionExpression: 'pk, sk' }));
    if (!Items.length) return;
    for (let start = 0; start < Items.length; start += 25) {
      await db.send(new BatchWriteCommand({ RequestItems: { [TABLE]: Items.slice(start, start + 25).map((Key) => ({ DeleteRequest: { Key } })) } }));
    }
  }
}

/** The subscriber has opened the link in SNS's confirmation email, as one must before any alert arrives. */
export async function givenConfirmedSubscriber(): Promise<void> {
  await confirmSubscription(SUBSCRIBER);
}

/** Alert emails so far whose subject names the week. */
export async function alertsFor(week: string) {
  return (await inbox()).filter((email) => email.destination.to.includes(SUBSCRIBER) && email.subject.includes(`week of ${week}`));
}

export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
