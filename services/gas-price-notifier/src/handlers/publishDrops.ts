import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createHandler, processRecords } from '@zero-idle/core';
import * as z from 'zod/mini';
import { alertPublisher, clock, siteUrl, store } from '../dependencies';
import { alertDrops } from '../domain/alerts';
import type { Week } from '../domain/prices';

const deps = { store, alerts: store.alerts, publisher: alertPublisher(), clock, siteUrl: siteUrl() };

const streamEvent = z.object({
  Records: z.array(z.looseObject({ dynamodb: z.looseObject({ SequenceNumber: z.string(), NewImage: z.optional(z.record(z.string(), z.unknown())) }) })),
});

/**
 * New weeks from the table's stream (filtered to fetched weeks in the event source mapping): each is
 * compared with the week stored before it, and one SNS message goes out per region whose price
 * dropped, for the subscriptions whose filter policy matches it. A record that fails is reported, so Lambda retries from it.
 */
export const handler = createHandler({ event: streamEvent }, async (event, { context, log }) => {
  const { response, failures, results } = await processRecords('stream', event.Records, context, async (record) => {
    const week = unmarshall((record.dynamodb?.NewImage ?? {}) as Parameters<typeof unmarshall>[0]) as Week;
    if (!week.week || !week.prices) throw new Error(`record ${record.dynamodb?.SequenceNumber} is not a week`);
    return alertDrops(deps, week);
  });
  const sum = (field: 'published' | 'duplicates') => results.reduce((total, result) => total + result[field], 0);
  log({ weeks: results.length, published: sum('published'), duplicates: sum('duplicates'), noDrop: results.filter((r) => r.noDrop).length, failures });
  return response;
});
