import { setTimeout as sleep } from 'node:timers/promises';
import { callJsonApi } from '../../awsCall';
import { type CloudContext, functionFromTarget, type LocalModule } from '../../context';
import { DYNAMODB_LOCAL_REGION, rewriteDynamoDbArns } from '../../emulators/dynamodbLocal';
import { persistedPath, RecordFolder } from '../../persistence';
import { failedBatchRecord, mayReportTo, onFailureDestination, sendToOnFailureDestination } from '../lambda/destinations';
import { filterPatterns, passesFilters } from '../lambda/filterPattern';
import type { LocalFunction } from '../lambda/runtime';

interface StreamMapping {
  fn: LocalFunction;
  streamArn: string;
  batchSize: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  filters: unknown[];
  reportBatchItemFailures: boolean;
  /** -1: until the record expires, as in AWS. */
  maximumRetryAttempts: number;
  /** Where a batch that ran out of retries is reported (DestinationConfig.OnFailure). */
  onFailure?: string;
}

interface StreamRecord {
  eventID: string;
  eventName: string;
  dynamodb: { SequenceNumber: string };
  [key: string]: unknown;
}

// Lambda reads each shard 4 times a second; polling faster only spends DynamoDB Local's CPU (an idle
// local cloud with three stream mappings used ~20% of a core at 100 ms).
const POLL_INTERVAL_MS = 250;
const MAX_BACKOFF_MS = 10_000;

/**
 * DynamoDB stream event source mappings: polls DynamoDB Local's streams per shard, applies the
 * mapping's FilterCriteria (filtered records are dropped, as in Lambda), invokes the function with
 * batches of at most BatchSize records, and on failure retries: the whole batch after a function
 * error, or from the first reported failure with ReportBatchItemFailures. Records are never skipped
 * silently: one that runs out of retries is logged in full.
 */
export function dynamoDbStreamsModule(): LocalModule {
  let stopped = false;
  const loops: Promise<void>[] = [];
  return {
    name: 'dynamodb-streams',
    coverage: {
      service: 'Amazon DynamoDB',
      by: 'the local cloud',
      eventSources: [
        'stream -> Lambda event source mapping (BatchSize, StartingPosition, FilterCriteria, ReportBatchItemFailures, MaximumRetryAttempts, OnFailure to SQS)',
      ],
      notEmulated: ['BisectBatchOnFunctionError, MaximumRecordAgeInSeconds, ParallelizationFactor, tumbling windows'],
    },
    needs: ['dynamodb', 'lambda'],
    creates: {
      'AWS::Lambda::EventSourceMapping': async ({ template, resolver, logicalId, properties: p }, context) => {
        const source = resolver.resolveString(p.EventSourceArn);
        if (!source.includes(':dynamodb:') || !source.includes('/stream/')) return 'not-mine';
        const fn = functionFromTarget(context, template, p.FunctionName);
        const mapping: StreamMapping = {
          fn,
          streamArn: source,
          batchSize: Number(p.BatchSize ?? 100),
          startingPosition: p.StartingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON',
          filters: filterPatterns(p.FilterCriteria),
          reportBatchItemFailures: ((p.FunctionResponseTypes as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
          maximumRetryAttempts: Number(p.MaximumRetryAttempts ?? -1),
          onFailure: onFailureDestination(resolver, p),
        };
        // CreateEventSourceMapping checks that the function's role may read the stream and send to the destination.
        if (!context.iam.roleAllows(fn.config.roleArn, fn.config.name, ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], source))
          throw new Error(
            `InvalidParameterValueException: Cannot access stream ${source}. Please ensure the role can perform the GetRecords, GetShardIterator, DescribeStream, and ListStreams Actions on your stream in IAM.`,
          );
        if (mapping.onFailure && !mayReportTo(context, fn, mapping.onFailure))
          throw new Error('InvalidParameterValueException: The provided execution role does not have permissions to call SendMessage on SQS');
        if (p.Enabled === false) return;
        if (p.BisectBatchOnFunctionError) context.log(`${logicalId}: BisectBatchOnFunctionError is not emulated locally; failed batches are retried whole`);
        context.log(
          `stream ${source.split('/')[1]} -> ${mapping.fn.config.name} (batch ${mapping.batchSize}${mapping.filters.length ? `, ${mapping.filters.length} filter(s)` : ''}${mapping.reportBatchItemFailures ? ', ReportBatchItemFailures' : ''})`,
        );
        loops.push(pollStream(context, mapping, () => stopped));
      },
    },
    async stop() {
      stopped = true;
      await Promise.allSettled(loops);
    },
  };
}

/** A DynamoDB Streams API call straight to DynamoDB Local (the poller is AWS's side, not a caller's). */
async function streams<T>(context: CloudContext, action: string, body: object): Promise<T> {
  // The mapping knows the stream as the account does, DynamoDB Local by its own region name; its records go to functions in the account's region.
  const local = rewriteDynamoDbArns(body, context.region, DYNAMODB_LOCAL_REGION) as object;
  const answer = await callJsonApi<T>(context.urls.dynamodb ?? '', `DynamoDBStreams_20120810.${action}`, local, { service: 'dynamodb' });
  return rewriteDynamoDbArns(answer, DYNAMODB_LOCAL_REGION, context.region) as T;
}

async function pollStream(context: CloudContext, mapping: StreamMapping, stopped: () => boolean): Promise<void> {
  const started = new Set<string>();
  const shardLoops: Promise<void>[] = [];
  // Shards come and go (DynamoDB rolls them over); look for new ones now and then.
  while (!stopped()) {
    try {
      const { StreamDescription } = await streams<{ StreamDescription: { Shards: Array<{ ShardId: string }> } }>(context, 'DescribeStream', {
        StreamArn: mapping.streamArn,
      });
      for (const shard of StreamDescription.Shards) {
        if (started.has(shard.ShardId)) continue;
        started.add(shard.ShardId);
        shardLoops.push(
          pollShard(context, mapping, shard.ShardId, stopped)
            .catch((error: Error) => {
              started.delete(shard.ShardId);
              context.log(`[${mapping.fn.config.name}] stream poller (${shard.ShardId}) stopped: ${error.message}; restarting`);
            })
            // A closed shard (or one restarted) no longer counts towards the function's quiet.
            .finally(() => mapping.fn.removeSource(`${mapping.streamArn}#${shard.ShardId}`)),
        );
      }
    } catch (error) {
      if (!stopped()) context.log(`[${mapping.fn.config.name}] stream poller: ${(error as Error).message}`);
    }
    await sleep(1_000);
  }
  await Promise.allSettled(shardLoops);
}

/** Where a mapping has read each shard to, as Lambda keeps it: under --persist a restart reads on after it. */
interface ShardPosition {
  functionName: string;
  streamArn: string;
  shardId: string;
  /** The last record handed over (delivered, filtered out or reported failed for good). */
  sequenceNumber: string;
}

const positionsOf = (context: CloudContext) => new RecordFolder<ShardPosition>(persistedPath(context, 'stream-positions'));

async function pollShard(context: CloudContext, mapping: StreamMapping, shardId: string, stopped: () => boolean): Promise<void> {
  const positions = positionsOf(context);
  const positionId = `${mapping.fn.config.name} ${mapping.streamArn} ${shardId}`;
  let lastSequence = positions.all().find((position) => `${position.functionName} ${position.streamArn} ${position.shardId}` === positionId)?.sequenceNumber;
  const handedOver = (sequenceNumber: string | undefined) => {
    if (sequenceNumber) positions.write(positionId, { functionName: mapping.fn.config.name, streamArn: mapping.streamArn, shardId, sequenceNumber });
  };
  const iteratorFor = async (type: string) =>
    (
      await streams<{ ShardIterator?: string }>(context, 'GetShardIterator', {
        StreamArn: mapping.streamArn,
        ShardId: shardId,
        ShardIteratorType: type,
        ...(type === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: lastSequence } : {}),
      })
    ).ShardIterator;
  const source = `${mapping.streamArn}#${shardId}`;
  mapping.fn.addSource(source);
  let iterator = lastSequence
    ? await iteratorFor('AFTER_SEQUENCE_NUMBER').catch((error: Error) => {
        context.log(`[${mapping.fn.config.name}] stream poller (${shardId}): cannot read on after ${lastSequence} (${error.message}); from the oldest record`);
        return iteratorFor('TRIM_HORIZON');
      })
    : await iteratorFor(mapping.startingPosition);
  let pending: StreamRecord[] = [];
  while (!stopped() && (iterator || pending.length)) {
    try {
      const polledAt = Date.now();
      if (pending.length < mapping.batchSize && iterator) {
        const page = await streams<{ Records: StreamRecord[]; NextShardIterator?: string }>(context, 'GetRecords', {
          ShardIterator: iterator,
          Limit: mapping.batchSize - pending.length,
        });
        iterator = page.NextShardIterator;
        pending.push(...page.Records.map((record) => ({ ...record, eventSourceARN: mapping.streamArn })));
      }
      if (!pending.length) {
        mapping.fn.sourceCaughtUp(source, polledAt);
        await sleep(POLL_INTERVAL_MS);
        continue;
      }
      const batch = pending.filter((record) => passesFilters(mapping.filters, record));
      lastSequence = pending.at(-1)?.dynamodb.SequenceNumber ?? lastSequence;
      pending = batch.length ? await mapping.fn.track(() => deliver(context, mapping, shardId, batch, stopped)) : [];
      // A batch cut short by a stop is not handed over: the next start delivers it again.
      if (!stopped()) handedOver(lastSequence);
    } catch (error) {
      if (stopped()) return;
      // A poller must outlive a bad read: log it, then continue after the last record handed over.
      context.log(`[${mapping.fn.config.name}] stream poller (${shardId}): ${(error as Error).message}; reading on`);
      await sleep(500);
      pending = [];
      iterator = await iteratorFor(lastSequence ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON').catch(() => iterator);
    }
  }
}

/** Invokes until the batch is handled or out of retries; returns what is left to deliver (nothing). */
async function deliver(context: CloudContext, mapping: StreamMapping, shardId: string, batch: StreamRecord[], stopped: () => boolean): Promise<StreamRecord[]> {
  let records = batch;
  for (let attempt = 0; records.length && !stopped(); attempt += 1) {
    const result = await mapping.fn.invoke({ Records: records });
    let failedFrom: number;
    let reason: string;
    if (!result.ok) {
      failedFrom = 0;
      reason = `${result.error.errorType}: ${result.error.errorMessage}`;
    } else {
      const failures = mapping.reportBatchItemFailures ? batchItemFailures(result.result) : [];
      if (failures === 'invalid') {
        failedFrom = 0;
        reason = 'the function returned an invalid batchItemFailures response';
      } else if (!failures.length) {
        return [];
      } else {
        // Lambda resumes from the lowest reported sequence number; everything after it comes again.
        const lowest = failures.reduce((min, id) => (BigInt(id) < BigInt(min) ? id : min));
        failedFrom = Math.max(
          0,
          records.findIndex((record) => record.dynamodb.SequenceNumber === lowest),
        );
        reason = `${failures.length} record(s) reported in batchItemFailures`;
      }
    }
    records = records.slice(failedFrom);
    if (mapping.maximumRetryAttempts >= 0 && attempt >= mapping.maximumRetryAttempts) {
      await discard(context, mapping, { requestId: result.requestId, invocations: attempt + 1, functionError: !result.ok, shardId, records, reason });
      return [];
    }
    const backoff = Math.min(MAX_BACKOFF_MS, 250 * 2 ** attempt);
    context.log(`[${mapping.fn.config.name}] stream batch failed (${reason}); retrying ${records.length} record(s) in ${backoff} ms`);
    await sleep(backoff);
  }
  return [];
}

/** Out of retries: the batch's whereabouts go to the on-failure destination, if any; the records are logged in full either way. */
async function discard(
  context: CloudContext,
  mapping: StreamMapping,
  failed: { requestId: string; invocations: number; functionError: boolean; shardId: string; records: StreamRecord[]; reason: string },
): Promise<void> {
  const name = mapping.fn.config.name;
  context.log(
    `[${name}] stream batch failed ${failed.invocations} time(s) (${failed.reason}); MaximumRetryAttempts reached, ${failed.records.length} record(s) discarded: ${JSON.stringify(failed.records)}`,
  );
  if (!mapping.onFailure) return;
  const record = failedBatchRecord({ ...failed, functionArn: mapping.fn.config.arn, streamArn: mapping.streamArn });
  try {
    await sendToOnFailureDestination(context, mapping.onFailure, record);
    context.log(`[${name}] failed batch reported to ${mapping.onFailure}`);
  } catch (error) {
    context.log(`[${name}] could not report the failed batch to ${mapping.onFailure}: ${(error as Error).message}; ${JSON.stringify(record)}`);
  }
}

/** The sequence numbers a handler reported, or 'invalid' when the response cannot be read (Lambda then fails the batch). */
function batchItemFailures(result: unknown): string[] | 'invalid' {
  if (result === null || result === undefined || typeof result !== 'object' || !('batchItemFailures' in result)) return [];
  const failures = (result as { batchItemFailures: unknown }).batchItemFailures;
  if (!Array.isArray(failures)) return 'invalid';
  const ids = failures.map((failure) => (failure as { itemIdentifier?: unknown })?.itemIdentifier);
  return ids.every((id) => typeof id === 'string' && /^\d+$/.test(id)) ? (ids as string[]) : 'invalid';
}
