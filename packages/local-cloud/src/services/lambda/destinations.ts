import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { CloudContext } from '../../context';
import { fauxqsQueueUrl, fauxqsSqsClient } from '../../emulators/fauxqs';
import type { Resolver } from '../cloudformation/intrinsics';
import type { LocalFunction } from './runtime';

/** The resolved ARN of a resource's DestinationConfig.OnFailure (event source mapping or EventInvokeConfig), if any. */
export function onFailureDestination(resolver: Resolver, properties: Record<string, unknown>): string | undefined {
  const destination = (properties.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination;
  return destination ? resolver.resolveString(destination) : undefined;
}

/** Whether the function's execution role may send to an on-failure destination (Lambda sends with it, and checks so when it is configured). */
export function mayReportTo(context: CloudContext, fn: LocalFunction, destination: string): boolean {
  return context.iam.roleAllows(fn.config.roleArn, fn.config.name, [destination.startsWith('arn:aws:sns:') ? 'sns:Publish' : 'sqs:SendMessage'], destination);
}

/** What Lambda sends to a stream mapping's on-failure destination: where the batch is, not the records. */
export interface FailedBatchRecord {
  requestContext: { requestId: string; functionArn: string; condition: 'RetryAttemptsExhausted'; approximateInvokeCount: number };
  responseContext: { statusCode: number; executedVersion: string; functionError?: 'Unhandled' };
  version: '1.0';
  timestamp: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}

interface FailedBatch {
  requestId: string;
  functionArn: string;
  invocations: number;
  functionError: boolean;
  shardId: string;
  streamArn: string;
  records: Array<{ dynamodb: { SequenceNumber: string; ApproximateCreationDateTime?: number } }>;
}

const arrival = (record: FailedBatch['records'][number] | undefined) =>
  new Date((record?.dynamodb.ApproximateCreationDateTime ?? Date.now() / 1000) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

/** The on-failure record, shaped as AWS documents it for DynamoDB stream event sources. */
export function failedBatchRecord(batch: FailedBatch, now = new Date()): FailedBatchRecord {
  const first = batch.records[0];
  const last = batch.records.at(-1);
  return {
    requestContext: {
      requestId: batch.requestId,
      functionArn: batch.functionArn,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: batch.invocations,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(batch.functionError ? { functionError: 'Unhandled' as const } : {}) },
    version: '1.0',
    timestamp: now.toISOString(),
    DDBStreamBatchInfo: {
      shardId: batch.shardId,
      startSequenceNumber: first?.dynamodb.SequenceNumber ?? '',
      endSequenceNumber: last?.dynamodb.SequenceNumber ?? '',
      approximateArrivalOfFirstRecord: arrival(first),
      approximateArrivalOfLastRecord: arrival(last),
      batchSize: batch.records.length,
      streamArn: batch.streamArn,
    },
  };
}

/** What Lambda sends to an asynchronous invocation's on-failure destination: the event and the last error. */
export interface FailedInvocationRecord {
  version: '1.0';
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: 'RetriesExhausted'; approximateInvokeCount: number };
  requestPayload: unknown;
  responseContext: { statusCode: number; executedVersion: string; functionError: 'Unhandled' };
  responsePayload: { errorType: string; errorMessage: string; trace?: string[] };
}

export function failedInvocationRecord(
  failed: { requestId: string; functionArn: string; invocations: number; event: unknown; error: { errorType: string; errorMessage: string; trace?: string[] } },
  now = new Date(),
): FailedInvocationRecord {
  return {
    version: '1.0',
    timestamp: now.toISOString(),
    requestContext: {
      requestId: failed.requestId,
      functionArn: `${failed.functionArn}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: failed.invocations,
    },
    requestPayload: failed.event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: failed.error,
  };
}

/** Sends the record to an SQS on-failure destination (SNS destinations are not emulated: say so). */
export async function sendToOnFailureDestination(
  context: CloudContext,
  destination: string,
  record: FailedBatchRecord | FailedInvocationRecord,
): Promise<void> {
  if (!destination.startsWith('arn:aws:sqs:')) throw new Error(`on-failure destination ${destination} is not an SQS queue; only SQS is emulated locally`);
  const sqs = fauxqsSqsClient(context);
  try {
    await sqs.send(new SendMessageCommand({ QueueUrl: fauxqsQueueUrl(context, destination), MessageBody: JSON.stringify(record) }));
  } finally {
    sqs.destroy();
  }
}
