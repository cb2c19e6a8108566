import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBRecord, SQSRecord } from 'aws-lambda';

type Kind = 'stream' | 'queue';
type RecordOf<K extends Kind> = K extends 'stream' ? DynamoDBRecord : SQSRecord;

export interface BatchOutcome {
  /** The partial batch response Lambda reads (ReportBatchItemFailures). */
  response: { batchItemFailures: Array<{ itemIdentifier: string }> };
  /** Each failed record's id and error, for the invocation's log line: nothing fails silently. */
  failures: Array<{ record: string; error: string }>;
}

/**
 * Runs `handle` on every record of a DynamoDB stream or SQS batch, in order, through Powertools'
 * batch processor, and reports the failed ones, so Lambda retries those alone (from the first failed
 * sequence number for a stream; the failed messages for a queue). A batch whose every record failed
 * is reported the same way, not thrown: Lambda's retry is the same, and the log line says why.
 */
export async function processRecords<K extends Kind, T>(
  kind: K,
  records: readonly unknown[],
  context: Context,
  handle: (record: RecordOf<K>) => Promise<T>,
): Promise<BatchOutcome & { results: T[] }> {
  // One processor per invocation: it holds the batch's state while it runs.
  const processor = new BatchProcessor(kind === 'stream' ? EventType.DynamoDBStreams : EventType.SQS);
  const results: T[] = [];
  const response = await processPartialResponse(
    { Records: records as RecordOf<K>[] },
    async (record: RecordOf<K>) => {
      results.push(await handle(record));
    },
    processor,
    { context, throwOnFullBatchFailure: false, processInParallel: false },
  );
  const failures = processor.failureMessages.map((record, index) => ({
    record: kind === 'stream' ? String((record as DynamoDBRecord).dynamodb?.SequenceNumber) : (record as SQSRecord).messageId,
    error: processor.errors[index]?.message ?? 'unknown error',
  }));
  return { response, failures, results };
}
