// processRecords on AWS's own sample events (aws/aws-lambda-go events/testdata, see ../fixtures):
// the failed records are reported by the id Lambda reads, in order, and a batch that fails whole is
// reported, not thrown.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import type { Context, DynamoDBRecord, SQSRecord } from 'aws-lambda';
import { processRecords } from '../../src/batch';

const fixture = <T>(name: string) => JSON.parse(readFileSync(new URL(`../fixtures/aws-lambda-go/${name}`, import.meta.url), 'utf8')) as { Records: T[] };
/** AWS's sample SQS event holds one message; the second is the same message with its own id. */
function sqsBatch(): SQSRecord[] {
  const [first] = fixture<SQSRecord>('sqs-event.json').Records as [SQSRecord];
  return [first, { ...first, messageId: 'MessageID_2', body: 'Second body' }];
}
const context = { functionName: 'test', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

describe('processRecords', () => {
  it('reports the SQS messages that failed by messageId, and returns the others', async () => {
    const Records = sqsBatch();
    const seen: string[] = [];
    const outcome = await processRecords('queue', Records, context, async (record) => {
      seen.push(record.messageId);
      if (record.messageId === 'MessageID_2') throw new Error('poison');
      return record.body;
    });
    expect(seen).toEqual(['MessageID_1', 'MessageID_2']);
    expect(outcome).toEqual({
      response: { batchItemFailures: [{ itemIdentifier: 'MessageID_2' }] },
      failures: [{ record: 'MessageID_2', error: 'poison' }],
      results: ['Message Body'],
    });
  });

  it('reports a stream record that failed by its sequence number', async () => {
    const { Records } = fixture<DynamoDBRecord>('dynamodb-event.json');
    const outcome = await processRecords('stream', Records.slice(0, 1), context, async () => {
      throw new Error('DynamoDB is down');
    });
    expect(outcome.response).toEqual({ batchItemFailures: [{ itemIdentifier: '1405400000000002063282832' }] });
    expect(outcome.failures).toEqual([{ record: '1405400000000002063282832', error: 'DynamoDB is down' }]);
  });

  it('reports a batch whose every record failed instead of throwing, so the log line says why', async () => {
    const Records = sqsBatch();
    const outcome = await processRecords('queue', Records, context, async (record) => {
      throw new Error(`no ${record.messageId}`);
    });
    expect(outcome.response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['MessageID_1', 'MessageID_2']);
    expect(outcome.failures.map((failure) => failure.error)).toEqual(['no MessageID_1', 'no MessageID_2']);
  });

  it('answers an empty batch with no failures', async () => {
    await expect(processRecords('queue', [], context, async () => 1)).resolves.toEqual({ response: { batchItemFailures: [] }, failures: [], results: [] });
  });
});
