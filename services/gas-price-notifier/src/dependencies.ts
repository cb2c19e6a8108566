import { SNSClient } from '@aws-sdk/client-sns';
import { createDocumentClient, loadConfig, requiredFrom, systemClock } from '@zero-idle/core';
import * as z from 'zod/mini';
import { fetchLatestWeeks } from './adapters/priceApi';
import { snsAlerts } from './adapters/snsAlerts';
import { snsSubscriptions } from './adapters/snsSubscriptions';
import type { PriceSource } from './domain/ports';
import { priceStore } from './store';
import { subscriberStore } from './subscriberStore';

const positiveInt = (fallback: number) => z._default(z.pipe(z.string(), z.transform(Number)).check(z.int(), z.positive()), fallback);

const config = loadConfig(
  z.object({
    PRICES_TABLE: z.string().check(z.minLength(1)),
    PRICES_API_URL: z.optional(z.url()),
    FETCH_WEEKS: positiveInt(10),
    FETCH_TIMEOUT_MS: positiveInt(5_000),
    FETCH_ATTEMPTS: positiveInt(3),
    TOPIC_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
    SITE_URL: z.optional(z.url()),
  }),
);

export const required = requiredFrom(config);

export const settings = {
  fetch: { weeks: config.FETCH_WEEKS, timeoutMs: config.FETCH_TIMEOUT_MS, attempts: config.FETCH_ATTEMPTS },
};

const db = createDocumentClient();
export const store = priceStore(db, config.PRICES_TABLE);
export const subscribers = () => subscriberStore(db, config.PRICES_TABLE);
export const clock = systemClock;
// Factories, so a bundle holds only the adapters its handler uses (one made at import is never tree-shaken).
export const priceSource = (): PriceSource => {
  const url = required('PRICES_API_URL');
  return { latestWeeks: () => fetchLatestWeeks(url, settings.fetch) };
};
export const alertPublisher = () => snsAlerts(new SNSClient({}), required('TOPIC_ARN'));
export const topicSubscriptions = () => snsSubscriptions(new SNSClient({}), required('TOPIC_ARN'));
/** The site's URL without a trailing slash, for links in emails. */
export const siteUrl = () => required('SITE_URL').replace(/\/+$/, '');
