import { createHandler } from '@zero-idle/core';
import * as z from 'zod/mini';
import { config, receiveDependencies } from '../dependencies';
import { receiveSubmission } from '../domain/receive';

const s3Event = z.object({
  Records: z.array(
    z.object({
      eventTime: z.string(),
      s3: z.object({ bucket: z.object({ name: z.string() }), object: z.object({ key: z.string(), size: z.optional(z.number()) }) }),
    }),
  ),
});

/** Mail SES stores is under inbox/ in the service's bucket; the notification filters on both. */
const INBOX_PREFIX = 'inbox/';

/** An event this function must never act on (another bucket, another prefix): nothing is written, and the failure queue shows it. */
export class ForeignEvent extends Error {
  override name = 'ForeignEvent';
}

/**
 * A message SES stored in the bucket becomes one submission (domain/receive.ts). An event for anything
 * else is refused before a byte is read; a fault fails the invocation, so Lambda retries it and,
 * after its attempts, the event and its error reach the failure queue.
 */
export const handler = createHandler({ event: s3Event }, async (event, { log }) => {
  const messages = event.Records.map((record) => {
    // S3 event keys are URL-encoded, with "+" for spaces.
    const rawKey = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    if (record.s3.bucket.name !== config.BUCKET || !rawKey.startsWith(INBOX_PREFIX)) {
      throw new ForeignEvent(
        `Not a message SES stored for this service: s3://${record.s3.bucket.name}/${rawKey} (expected s3://${config.BUCKET}/${INBOX_PREFIX}...)`,
      );
    }
    return { rawKey, receivedAt: record.eventTime, size: record.s3.object.size };
  });
  const outcomes: string[] = [];
  for (const message of messages) outcomes.push(await receiveSubmission(receiveDependencies, message));
  log({ outcomes });
  return { outcomes };
});
