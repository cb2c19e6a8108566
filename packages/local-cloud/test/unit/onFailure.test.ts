// The records Lambda sends to on-failure destinations (stream batches, asynchronous invocations), in the shapes AWS documents.
import { describe, expect, it } from '@jest/globals';
import { failedBatchRecord, failedInvocationRecord } from '../../src/services/lambda/destinations';

describe('failedBatchRecord', () => {
  const batch = {
    requestId: 'req-1',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:svc-dev-fn',
    invocations: 6,
    shardId: 'shardId-00000001',
    streamArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2026-11-30T00:00:00.000',
    records: [
      { dynamodb: { SequenceNumber: '100', ApproximateCreationDateTime: 1_796_000_000 } },
      { dynamodb: { SequenceNumber: '105', ApproximateCreationDateTime: 1_796_000_003 } },
    ],
  };

  it('points at the first and last record of the batch, with the invoke count and the error kind', () => {
    expect(failedBatchRecord({ ...batch, functionError: true }, new Date('2026-11-30T01:02:03.456Z'))).toEqual({
      requestContext: { requestId: 'req-1', functionArn: batch.functionArn, condition: 'RetryAttemptsExhausted', approximateInvokeCount: 6 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-11-30T01:02:03.456Z',
      DDBStreamBatchInfo: {
        shardId: 'shardId-00000001',
        startSequenceNumber: '100',
        endSequenceNumber: '105',
        approximateArrivalOfFirstRecord: '2026-11-30T00:53:20Z',
        approximateArrivalOfLastRecord: '2026-11-30T00:53:23Z',
        batchSize: 2,
        streamArn: batch.streamArn,
      },
    });
  });

  it('has no functionError when the function answered but reported its records as failed', () => {
    expect(failedBatchRecord({ ...batch, functionError: false }).responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST' });
  });
});

describe('failedInvocationRecord', () => {
  it('carries the event and the last error of an asynchronous invocation that ran out of retries', () => {
    const error = { errorType: 'PriceApiError', errorMessage: 'HTTP 500', trace: ['at x'] };
    expect(
      failedInvocationRecord(
        { requestId: 'req-2', functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f', invocations: 3, event: { source: 'aws.events' }, error },
        new Date('2026-11-30T01:02:03.000Z'),
      ),
    ).toEqual({
      version: '1.0',
      timestamp: '2026-11-30T01:02:03.000Z',
      requestContext: {
        requestId: 'req-2',
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST',
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: { source: 'aws.events' },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: error,
    });
  });
});
