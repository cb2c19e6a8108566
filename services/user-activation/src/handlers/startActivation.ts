import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createHandler } from '@zero-idle/core';
import * as z from 'zod/mini';
import { required, sfnClient } from '../dependencies';
import { executionName } from '../domain/user';

const stateMachineArn = required('STATE_MACHINE_ARN');
const sfn = sfnClient();

const streamEvent = z.object({
  Records: z.array(
    z.object({
      eventName: z.string(),
      dynamodb: z.object({ SequenceNumber: z.string(), NewImage: z.optional(z.record(z.string(), z.unknown())) }),
    }),
  ),
});

/**
 * The Users stream, filtered to inserted users in the event source mapping: one execution per user,
 * named from the user and token version, so a redelivered record starts nothing new. Every record is
 * handled; a failure reports that record (partial batch response) so Lambda retries from it.
 */
export const handler = createHandler({ event: streamEvent }, async (event, { log }) => {
  const batchItemFailures: Array<{ itemIdentifier: string }> = [];
  let started = 0;
  let duplicates = 0;
  for (const record of event.Records) {
    try {
      const user = unmarshall((record.dynamodb.NewImage ?? {}) as Parameters<typeof unmarshall>[0]) as { username?: string; tokenVersion?: number };
      if (!user.username || !user.tokenVersion) throw new Error(`record ${record.dynamodb.SequenceNumber} has no username or tokenVersion`);
      const input = JSON.stringify({ username: user.username, tokenVersion: user.tokenVersion });
      await sfn.send(new StartExecutionCommand({ stateMachineArn, name: executionName(user.username, user.tokenVersion), input }));
      started += 1;
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) {
        duplicates += 1;
        continue;
      }
      log({ failedRecord: record.dynamodb.SequenceNumber, error: (error as Error).message });
      batchItemFailures.push({ itemIdentifier: record.dynamodb.SequenceNumber });
    }
  }
  log({ records: event.Records.length, started, duplicates, failed: batchItemFailures.length });
  return { batchItemFailures };
});
