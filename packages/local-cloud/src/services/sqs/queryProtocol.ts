/**
 * SQS's query protocol (Action=SendMessage&QueueUrl=...; older SDKs and CLIs, Debian's awscli 2.9),
 * translated to and from the JSON protocol fauxqs speaks: flattened lists and maps
 * (`Attribute.1.Name`, `MessageAttribute.1.Value.StringValue`) in, XML answers and error codes out,
 * as the SQS API reference gives them.
 */
import { toXml } from '../../xml';

export const SQS_NAMESPACE = 'http://queue.amazonaws.com/doc/2012-11-05/';

/** Numbered members of a flattened list: `prefix.1...`, `prefix.2...` as objects of their sub-keys. */
function members(parameters: URLSearchParams, prefix: string): Array<Record<string, string>> {
  const found = new Map<number, Record<string, string>>();
  for (const [key, value] of parameters) {
    const match = new RegExp(`^${prefix.replace('.', '\\.')}\\.(\\d+)(?:\\.(.+))?$`).exec(key);
    if (!match) continue;
    const index = Number(match[1]);
    const entry = found.get(index) ?? {};
    entry[match[2] ?? ''] = value;
    found.set(index, entry);
  }
  return [...found.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry);
}

const numberOr = (value: string | null | undefined) => (value === null || value === undefined ? undefined : Number(value));

/** `MessageAttribute.N.Name` + `.Value.DataType/StringValue/BinaryValue` as the JSON protocol's map. */
function messageAttributes(entries: Array<Record<string, string>>): Record<string, Record<string, string>> | undefined {
  if (!entries.length) return undefined;
  return Object.fromEntries(
    entries.map((entry) => [
      entry.Name ?? '',
      Object.fromEntries(
        Object.entries({ DataType: entry['Value.DataType'], StringValue: entry['Value.StringValue'], BinaryValue: entry['Value.BinaryValue'] }).filter(
          (pair): pair is [string, string] => pair[1] !== undefined,
        ),
      ),
    ]),
  );
}

/** The sub-parameters of a batch entry (`Entry.N.MessageAttribute.M...`) as their own parameters. */
const within = (entry: Record<string, string>) => new URLSearchParams(Object.entries(entry));

/** A query request's parameters as the JSON protocol's input for the same operation. */
export function queryToJson(action: string, p: URLSearchParams): Record<string, unknown> {
  const nameValues = (prefix: string) => {
    const entries = members(p, prefix);
    return entries.length ? Object.fromEntries(entries.map((entry) => [entry.Name ?? '', entry.Value ?? ''])) : undefined;
  };
  const list = (prefix: string) => {
    const entries = members(p, prefix).map((entry) => entry[''] ?? '');
    return entries.length ? entries : undefined;
  };
  const tags = () => {
    const entries = members(p, 'Tag');
    return entries.length ? Object.fromEntries(entries.map((entry) => [entry.Key ?? '', entry.Value ?? ''])) : undefined;
  };
  const message = (source: URLSearchParams) => ({
    MessageBody: source.get('MessageBody') ?? undefined,
    DelaySeconds: numberOr(source.get('DelaySeconds')),
    MessageAttributes: messageAttributes(members(source, 'MessageAttribute')),
    MessageDeduplicationId: source.get('MessageDeduplicationId') ?? undefined,
    MessageGroupId: source.get('MessageGroupId') ?? undefined,
  });
  const queueUrl = p.get('QueueUrl') ?? undefined;
  switch (action) {
    case 'CreateQueue':
      return { QueueName: p.get('QueueName'), Attributes: nameValues('Attribute'), tags: tags() };
    case 'GetQueueUrl':
      return { QueueName: p.get('QueueName'), QueueOwnerAWSAccountId: p.get('QueueOwnerAWSAccountId') ?? undefined };
    case 'ListQueues':
      return { QueueNamePrefix: p.get('QueueNamePrefix') ?? undefined, MaxResults: numberOr(p.get('MaxResults')), NextToken: p.get('NextToken') ?? undefined };
    case 'GetQueueAttributes':
      return { QueueUrl: queueUrl, AttributeNames: list('AttributeName') };
    case 'SetQueueAttributes':
      return { QueueUrl: queueUrl, Attributes: nameValues('Attribute') };
    case 'SendMessage':
      return { QueueUrl: queueUrl, ...message(p) };
    case 'SendMessageBatch':
      return { QueueUrl: queueUrl, Entries: members(p, 'SendMessageBatchRequestEntry').map((entry) => ({ Id: entry.Id, ...message(within(entry)) })) };
    case 'ReceiveMessage':
      return {
        QueueUrl: queueUrl,
        MaxNumberOfMessages: numberOr(p.get('MaxNumberOfMessages')),
        VisibilityTimeout: numberOr(p.get('VisibilityTimeout')),
        WaitTimeSeconds: numberOr(p.get('WaitTimeSeconds')),
        AttributeNames: list('AttributeName'),
        MessageSystemAttributeNames: list('MessageSystemAttributeName'),
        MessageAttributeNames: list('MessageAttributeName'),
        ReceiveRequestAttemptId: p.get('ReceiveRequestAttemptId') ?? undefined,
      };
    case 'DeleteMessage':
      return { QueueUrl: queueUrl, ReceiptHandle: p.get('ReceiptHandle') };
    case 'DeleteMessageBatch':
      return {
        QueueUrl: queueUrl,
        Entries: members(p, 'DeleteMessageBatchRequestEntry').map((entry) => ({ Id: entry.Id, ReceiptHandle: entry.ReceiptHandle })),
      };
    case 'ChangeMessageVisibility':
      return { QueueUrl: queueUrl, ReceiptHandle: p.get('ReceiptHandle'), VisibilityTimeout: numberOr(p.get('VisibilityTimeout')) };
    case 'ChangeMessageVisibilityBatch':
      return {
        QueueUrl: queueUrl,
        Entries: members(p, 'ChangeMessageVisibilityBatchRequestEntry').map((entry) => ({
          Id: entry.Id,
          ReceiptHandle: entry.ReceiptHandle,
          VisibilityTimeout: numberOr(entry.VisibilityTimeout),
        })),
      };
    case 'TagQueue':
      return { QueueUrl: queueUrl, Tags: tags() };
    case 'UntagQueue':
      return { QueueUrl: queueUrl, TagKeys: list('TagKey') };
    default:
      // PurgeQueue, DeleteQueue, ListQueueTags, ListDeadLetterSourceQueues: the queue is all they take.
      return { QueueUrl: queueUrl, MaxResults: numberOr(p.get('MaxResults')), NextToken: p.get('NextToken') ?? undefined };
  }
}

type Json = Record<string, unknown>;

/** `{ A: 'x' }` as SQS's flattened `<Attribute><Name>A</Name><Value>x</Value></Attribute>` elements. */
const attributesXml = (element: string, map: unknown, key = 'Name') =>
  Object.entries((map ?? {}) as Record<string, unknown>)
    .map(([name, value]) => `<${element}><${key}>${toXml(name)}</${key}><Value>${toXml(value)}</Value></${element}>`)
    .join('');

const flattened = (element: string, items: unknown) =>
  ((items as unknown[] | undefined) ?? []).map((item) => `<${element}>${toXml(item)}</${element}>`).join('');

/** A JSON answer of fauxqs as the query protocol's Result element body for the action. */
export function jsonToQueryResult(action: string, body: Json): string {
  switch (action) {
    case 'CreateQueue':
    case 'GetQueueUrl':
      return toXml({ QueueUrl: body.QueueUrl });
    case 'ListQueues':
    case 'ListDeadLetterSourceQueues':
      return flattened('QueueUrl', body.QueueUrls ?? body.queueUrls) + toXml({ NextToken: body.NextToken });
    case 'GetQueueAttributes':
      return attributesXml('Attribute', body.Attributes);
    case 'ListQueueTags':
      return attributesXml('Tag', body.Tags, 'Key');
    case 'SendMessage':
      return toXml({
        MD5OfMessageBody: body.MD5OfMessageBody,
        MD5OfMessageAttributes: body.MD5OfMessageAttributes,
        MessageId: body.MessageId,
        SequenceNumber: body.SequenceNumber,
      });
    case 'ReceiveMessage':
      return ((body.Messages as Json[] | undefined) ?? [])
        .map((message) => {
          const attributes = Object.entries((message.MessageAttributes ?? {}) as Record<string, Json>)
            .map(([name, value]) => `<MessageAttribute><Name>${toXml(name)}</Name><Value>${toXml(value)}</Value></MessageAttribute>`)
            .join('');
          return `<Message>${toXml({ MessageId: message.MessageId, ReceiptHandle: message.ReceiptHandle, MD5OfBody: message.MD5OfBody, Body: message.Body, MD5OfMessageAttributes: message.MD5OfMessageAttributes })}${attributesXml('Attribute', message.Attributes)}${attributes}</Message>`;
        })
        .join('');
    case 'SendMessageBatch':
    case 'DeleteMessageBatch':
    case 'ChangeMessageVisibilityBatch':
      return flattened(`${action}ResultEntry`, body.Successful) + flattened('BatchResultErrorEntry', body.Failed);
    default:
      return '';
  }
}

/** The query protocol's codes for errors the JSON protocol names otherwise (SQS API reference, "Errors"). */
const QUERY_ERROR_CODES: Record<string, string> = {
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
  QueueNameExists: 'QueueAlreadyExists',
  QueueDeletedRecently: 'AWS.SimpleQueueService.QueueDeletedRecently',
  PurgeQueueInProgress: 'AWS.SimpleQueueService.PurgeQueueInProgress',
  BatchEntryIdsNotDistinct: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
  EmptyBatchRequest: 'AWS.SimpleQueueService.EmptyBatchRequest',
  TooManyEntriesInBatchRequest: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
  InvalidBatchEntryId: 'AWS.SimpleQueueService.InvalidBatchEntryId',
  BatchRequestTooLong: 'AWS.SimpleQueueService.BatchRequestTooLong',
  UnsupportedOperation: 'AWS.SimpleQueueService.UnsupportedOperation',
};

export function queryErrorCode(jsonType: string): string {
  const name = jsonType.split('#').pop() ?? jsonType;
  return QUERY_ERROR_CODES[name] ?? name;
}
