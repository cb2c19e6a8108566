// declineApplications keeps @middy/sqs-partial-batch-failure, whose last major is 6, under @middy/core 7
// (through core's createHandler). The middleware imports nothing from @middy/core (core is only its
// devDependency) and is a plain { after, onError } object; these cases show the mix answers as AWS
// documents the partial batch response, on AWS's sample SQS event (aws/aws-lambda-go events/testdata,
// copied in packages/core/test/fixtures).
import { readFileSync } from 'node:fs';
import { describe, expect, it, jest } from '@jest/globals';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import { createHandler } from '@zero-idle/core';
import type { Context, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';

const sample = JSON.parse(readFileSync(new URL('../../../../packages/core/test/fixtures/aws-lambda-go/sqs-event.json', import.meta.url), 'utf8')) as {
  Records: [SQSRecord];
};
const event = { Records: [sample.Records[0], { ...sample.Records[0], messageId: 'MessageID_2' }, { ...sample.Records[0], messageId: 'MessageID_3' }] };
const context = { functionName: 'declineApplications', awsRequestId: 'r-1' } as Context;
const sqsEvent = z.object({ Records: z.array(z.object({ messageId: z.string(), body: z.string() })) });

function handlerSettling(run: (record: { messageId: string }) => Promise<string>) {
  return createHandler({ event: sqsEvent }, async (batch) => Promise.allSettled(batch.Records.map(run))).use(sqsPartialBatchFailure({ logger: undefined }));
}

describe('@middy/sqs-partial-batch-failure 6 under @middy/core 7', () => {
  const lines: string[] = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((line) => lines.push(String(line)) > 0);

  it('reports exactly the rejected messages', async () => {
    const handler = handlerSettling(async ({ messageId }) => {
      if (messageId === 'MessageID_2') throw new Error('poison');
      return 'declined';
    });
    await expect(handler(event, context)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'MessageID_2' }] });
  });

  it('answers an empty list when every message succeeded', async () => {
    await expect(handlerSettling(async () => 'declined')(event, context)).resolves.toEqual({ batchItemFailures: [] });
  });

  it('reports every message of a batch that is not a valid SQS event, so none is dropped', async () => {
    const broken = { Records: [event.Records[0], { messageId: 'MessageID_2' }] };
    await expect(handlerSettling(async () => 'declined')(broken as never, context)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'MessageID_1' }, { itemIdentifier: 'MessageID_2' }],
    });
  });

  it('reports every message when the handler itself fails, and the log line keeps the error', async () => {
    lines.length = 0;
    const handler = createHandler({ event: sqsEvent }, async () => {
      throw new Error('DynamoDB is down');
    }).use(sqsPartialBatchFailure({ logger: undefined }));
    await expect(handler(event, context)).resolves.toEqual({
      batchItemFailures: ['MessageID_1', 'MessageID_2', 'MessageID_3'].map((itemIdentifier) => ({ itemIdentifier })),
    });
    expect(lines.join('')).toContain('DynamoDB is down');
  });
});
