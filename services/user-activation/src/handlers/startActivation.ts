import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createHandler, processRecords } from '@zero-idle/core';
import * as z from 'zod/mini';
import { activations } from '../dependencies';

const workflow = activations();

const streamEvent = z.object({
  Records: z.array(
    z.looseObject({
      eventName: z.string(),
      dynamodb: z.looseObject({ SequenceNumber: z.string(), NewImage: z.optional(z.record(z.string(), z.unknown())) }),
    }),
  ),
});

/**
 * The Users stream, filtered to inserted users in the event source mapping: one execution per user
 * and token version, so a redelivered record starts nothing new. A record that fails is reported
 * (partial batch response), so Lambda retries from it.
 */
export const handler = createHandler({ event: streamEvent }, async (event, { context, log }) => {
  const { response, failures, results } = await processRecords('stream', event.Records, context, async (record) => {
    const user = unmarshall((record.dynamodb?.NewImage ?? {}) as Parameters<typeof unmarshall>[0]) as { username?: string; tokenVersion?: number };
    if (!user.username || !user.tokenVersion) throw new Error(`record ${record.dynamodb?.SequenceNumber} has no username or tokenVersion`);
    return workflow.start({ username: user.username, tokenVersion: user.tokenVersion });
  });
  log({
    records: event.Records.length,
    started: results.filter((result) => result === 'started').length,
    duplicates: results.filter((result) => result === 'duplicate').length,
    failures,
  });
  return response;
});
