import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type CloudContext, functionFromTarget, type LocalModule } from '../../context';
import { fauxqsQueueUrl, fauxqsSqsClient } from '../../emulators/fauxqs';
import { filterPatterns, passesFilters } from '../lambda/filterPattern';
import type { LocalFunction } from '../lambda/runtime';

interface QueueMapping {
  fn: LocalFunction;
  queueArn: string;
  queueUrl: string;
  batchSize: number;
  filters: unknown[];
  reportBatchItemFailures: boolean;
}

/** Lambda's SQS pollers: a few at once per mapping, as Lambda starts with five and scales up. */
const POLLERS = 3;

/**
 * SQS event source mappings on fauxqs: pollers receive up to BatchSize messages, invoke the function
 * with Lambda's SQS event, and delete what succeeded. A function error leaves the whole batch; with
 * ReportBatchItemFailures only the reported messages stay. A message the mapping's FilterCriteria do
 * not match is deleted without an invocation, as Lambda does. Messages left become visible again after
 * the queue's visibility timeout, and fauxqs moves a message to the dead-letter queue when its
 * receive count passes the RedrivePolicy's maxReceiveCount, as SQS does.
 */
export function sqsEventSourcesModule(): LocalModule {
  let stopped = false;
  const loops: Promise<void>[] = [];
  let sqs: SQSClient | undefined;
  return {
    name: 'sqs-event-sources',
    coverage: {
      service: 'Amazon SQS',
      by: 'the local cloud',
      eventSources: ['queue -> Lambda event source mapping (BatchSize, FilterCriteria, ReportBatchItemFailures; redrive to the dead-letter queue)'],
      notEmulated: ['MaximumBatchingWindowInSeconds, ScalingConfig (three pollers per mapping)'],
    },
    needs: ['sqs', 'lambda'],
    async start(context) {
      sqs = fauxqsSqsClient(context);
    },
    creates: {
      'AWS::Lambda::EventSourceMapping': async ({ template, resolver, properties: p }, context) => {
        const source = resolver.resolveString(p.EventSourceArn);
        if (!source.startsWith('arn:aws:sqs:')) return 'not-mine';
        const name = source.split(':').pop() ?? '';
        const fn = functionFromTarget(context, template, p.FunctionName);
        const mapping: QueueMapping = {
          fn,
          queueArn: source,
          queueUrl: fauxqsQueueUrl(context, source),
          batchSize: Number(p.BatchSize ?? 10),
          filters: filterPatterns(p.FilterCriteria),
          reportBatchItemFailures: ((p.FunctionResponseTypes as string[] | undefined) ?? []).includes('ReportBatchItemFailures'),
        };
        // CreateEventSourceMapping checks that the function's role may receive from the queue.
        if (!context.iam.roleAllows(fn.config.roleArn, fn.config.name, ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], source))
          throw new Error('InvalidParameterValueException: The provided execution role does not have permissions to call ReceiveMessage on SQS');
        const client = sqs as SQSClient;
        await client.send(new GetQueueAttributesCommand({ QueueUrl: mapping.queueUrl, AttributeNames: ['QueueArn'] }));
        if (p.Enabled === false) return;
        context.log(
          `queue ${name} -> ${mapping.fn.config.name} (batch ${mapping.batchSize}${mapping.reportBatchItemFailures ? ', ReportBatchItemFailures' : ''})`,
        );
        for (let poller = 0; poller < POLLERS; poller += 1) loops.push(poll(context, client, mapping, `${mapping.queueArn}#${poller}`, () => stopped));
      },
    },
    async stop() {
      stopped = true;
      await Promise.allSettled(loops);
      sqs?.destroy();
    },
  };
}

async function poll(context: CloudContext, sqs: SQSClient, mapping: QueueMapping, source: string, stopped: () => boolean): Promise<void> {
  mapping.fn.addSource(source);
  while (!stopped()) {
    try {
      const polledAt = Date.now();
      const messages: Message[] = [];
      while (messages.length < mapping.batchSize) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: mapping.queueUrl,
            MaxNumberOfMessages: Math.min(10, mapping.batchSize - messages.length),
            WaitTimeSeconds: messages.length ? 0 : 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        messages.push(...Messages);
        if (Messages.length === 0 || stopped()) break;
      }
      if (!messages.length) {
        // Caught up only with nothing left to come: a failed message waiting out its visibility
        // timeout, or a delayed one, still counts as work for this function.
        if ((await messagesToCome(sqs, mapping.queueUrl)) === 0) mapping.fn.sourceCaughtUp(source, polledAt);
        continue;
      }
      await mapping.fn.track(() => handleBatch(context, sqs, mapping, messages));
    } catch (error) {
      if (stopped()) return;
      context.log(`[${mapping.fn.config.name}] queue poller: ${(error as Error).message}`);
      await sleep(500);
    }
  }
}

/** Messages in the queue that a later receive may still get: in flight (not visible) or delayed. */
async function messagesToCome(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return Object.values(Attributes).reduce((total, value) => total + Number(value ?? 0), 0);
}

/** One received batch: invoke, then delete what succeeded; the failed messages return after the visibility timeout. */
async function handleBatch(context: CloudContext, sqs: SQSClient, mapping: QueueMapping, messages: Message[]): Promise<void> {
  const records = messages.map((message) => sqsRecord(context, mapping, message));
  const matched = records.filter((record) => passesFilters(mapping.filters, filterableRecord(record)));
  const result = matched.length ? await mapping.fn.invoke({ Records: matched }) : { ok: true as const, result: null };
  let keep = new Set<string>();
  if (!result.ok) keep = new Set(matched.map((record) => record.messageId ?? ''));
  else if (mapping.reportBatchItemFailures) {
    const failures = (result.result as { batchItemFailures?: Array<{ itemIdentifier?: string }> } | null)?.batchItemFailures ?? [];
    keep = new Set(failures.map((failure) => failure.itemIdentifier ?? ''));
  }
  const done = messages.filter((message) => !keep.has(message.MessageId ?? ''));
  for (let start = 0; start < done.length; start += 10) {
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: mapping.queueUrl,
        Entries: done.slice(start, start + 10).map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
  }
  if (keep.size) context.log(`[${mapping.fn.config.name}] ${keep.size} of ${messages.length} message(s) failed; they return after the visibility timeout`);
}

/** A record as Lambda's filters see it: a JSON body is filtered as JSON (a pattern on `body` matches its fields). */
function filterableRecord(record: ReturnType<typeof sqsRecord>): unknown {
  try {
    return { ...record, body: JSON.parse(record.body ?? '') as unknown };
  } catch {
    return record;
  }
}

function sqsRecord(context: CloudContext, mapping: QueueMapping, message: Message) {
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body,
    attributes: message.Attributes ?? {},
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        { stringValue: value.StringValue, binaryValue: value.BinaryValue, stringListValues: [], binaryListValues: [], dataType: value.DataType },
      ]),
    ),
    md5OfBody: message.MD5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: mapping.queueArn,
    awsRegion: context.region,
  };
}
