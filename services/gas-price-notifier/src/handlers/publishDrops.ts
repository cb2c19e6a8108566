import { PublishCommand } from '@aws-sdk/client-sns';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createHandler } from '@zero-idle/core';
import * as z from 'zod/mini';
import { required, settings, snsClient, store } from '../dependencies';
import { alertMessage, type Drop, drops, type Week } from '../domain/prices';

const topicArn = required('TOPIC_ARN');
const sns = snsClient();

const streamEvent = z.object({
  Records: z.array(z.object({ dynamodb: z.object({ SequenceNumber: z.string(), NewImage: z.optional(z.record(z.string(), z.unknown())) }) })),
});

/** Publishes one alert at most: the marker is written first, and removed again if the publish fails. */
async function publishOnce(drop: Drop): Promise<'published' | 'duplicate'> {
  if (!(await store.claimAlert(drop.week, drop.region, Date.now()))) return 'duplicate';
  try {
    const { subject, message } = alertMessage(drop);
    const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }));
    await store.markAlertPublished(drop.week, drop.region, MessageId ?? '', Date.now());
    return 'published';
  } catch (error) {
    await store.releaseAlert(drop.week, drop.region);
    throw error;
  }
}

/**
 * New weeks from the table's stream (filtered to fetched weeks in the event source mapping): compare
 * each with the week stored before it and publish one SNS message per drop in a configured region.
 * Every record is handled; a failure reports its record so Lambda retries from it.
 */
export const handler = createHandler({ event: streamEvent }, async (event, { log }) => {
  const batchItemFailures: Array<{ itemIdentifier: string }> = [];
  const outcome = { weeks: 0, published: 0, duplicates: 0, noDrop: 0 };
  for (const record of event.Records) {
    try {
      const week = unmarshall((record.dynamodb.NewImage ?? {}) as Parameters<typeof unmarshall>[0]) as Week;
      if (!week.week || !week.prices) throw new Error(`record ${record.dynamodb.SequenceNumber} is not a week`);
      outcome.weeks += 1;
      const previous = await store.weekBefore(week.week);
      const found = previous ? drops(previous, week, settings.regions, settings.minDrop) : [];
      if (!found.length) outcome.noDrop += 1;
      for (const drop of found) outcome[(await publishOnce(drop)) === 'published' ? 'published' : 'duplicates'] += 1;
    } catch (error) {
      log({ failedRecord: record.dynamodb.SequenceNumber, error: (error as Error).message });
      batchItemFailures.push({ itemIdentifier: record.dynamodb.SequenceNumber });
    }
  }
  log({ ...outcome, failed: batchItemFailures.length });
  return { batchItemFailures };
});
