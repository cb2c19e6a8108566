import { createHash, randomUUID } from 'node:crypto';
import { type MessageAttributeValue, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { CloudContext } from '../../context';
import { fauxqsQueueUrl, fauxqsSqsClient } from '../../emulators/fauxqs';
import type { AwsRequest, AwsResponse } from '../../endpoint';
import { invokeAsync, serviceMayInvoke } from '../lambda/module';
import { mailFromAws } from '../ses/awsMail';
import { type MessageAttribute, passesFilterPolicy } from './filterPolicy';
import type { SnsSubscriptions } from './subscriptions';

interface Notification {
  topicArn: string;
  messageId: string;
  message: string;
  subject?: string;
  /** MessageStructure json: a message per protocol, `default` for the others. */
  structure?: string;
  attributes: Record<string, MessageAttribute>;
  /** FIFO topics: the group, and the deduplication ID given (content-based otherwise). */
  groupId?: string;
  deduplicationId?: string;
}

/** The message attributes of a Publish (prefix '') or of one PublishBatch entry, from the query form. */
function attributesOf(form: URLSearchParams, prefix: string): Record<string, MessageAttribute> {
  const attributes: Record<string, MessageAttribute> = {};
  for (let index = 1; form.has(`${prefix}MessageAttributes.entry.${index}.Name`); index += 1) {
    const field = (name: string) => form.get(`${prefix}MessageAttributes.entry.${index}.${name}`) ?? '';
    const type = field('Value.DataType');
    attributes[field('Name')] = { Type: type, Value: type === 'Binary' ? field('Value.BinaryValue') : field('Value.StringValue') };
  }
  return attributes;
}

/** The message a protocol gets: with MessageStructure json, its own entry or the default one. */
function messageFor(notification: Notification, protocol: string): string {
  if (notification.structure !== 'json') return notification.message;
  const messages = JSON.parse(notification.message) as Record<string, string>;
  return messages[protocol] ?? messages.default ?? '';
}

/** The protocols whose deliveries the local cloud makes: SQS's too, so that fauxqs's filter does not decide them. */
const DELIVERED_HERE = new Set(['email', 'email-json', 'lambda', 'sqs']);

/** The notifications a successful Publish or PublishBatch made, with the message IDs fauxqs gave them. */
export function notificationsOf(request: AwsRequest, response: AwsResponse): Notification[] {
  const form = new URLSearchParams(request.body.toString());
  const topicArn = form.get('TopicArn') ?? '';
  const xml = String(response.body ?? '');
  if (request.action === 'Publish') {
    const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(xml)?.[1] ?? randomUUID();
    return [
      {
        topicArn,
        messageId,
        message: form.get('Message') ?? '',
        subject: form.get('Subject') ?? undefined,
        structure: form.get('MessageStructure') ?? undefined,
        attributes: attributesOf(form, ''),
        groupId: form.get('MessageGroupId') ?? undefined,
        deduplicationId: form.get('MessageDeduplicationId') ?? undefined,
      },
    ];
  }
  const ids = new Map([...xml.matchAll(/<Id>([^<]+)<\/Id>\s*<MessageId>([^<]+)<\/MessageId>/g)].map((match) => [match[1], match[2]]));
  const notifications: Notification[] = [];
  for (let index = 1; form.has(`PublishBatchRequestEntries.member.${index}.Id`); index += 1) {
    const entry = (name: string) => form.get(`PublishBatchRequestEntries.member.${index}.${name}`) ?? undefined;
    const messageId = ids.get(entry('Id') ?? '');
    if (!messageId) continue;
    notifications.push({
      topicArn,
      messageId,
      message: entry('Message') ?? '',
      subject: entry('Subject'),
      structure: entry('MessageStructure'),
      attributes: attributesOf(form, `PublishBatchRequestEntries.member.${index}.`),
      groupId: entry('MessageGroupId'),
      deduplicationId: entry('MessageDeduplicationId'),
    });
  }
  return notifications;
}

/**
 * A publish's deliveries, each subscription's filter policy deciding (filterPolicy.ts): email and
 * email-json notifications to the local inbox, formatted as SNS sends them; Lambda subscriptions
 * invoked asynchronously with an SNS event, as the function's permission allows; SQS queues in fauxqs
 * sent the notification (or the raw message). Only confirmed subscriptions receive anything.
 */
export async function deliver(context: CloudContext, subscriptions: SnsSubscriptions, notification: Notification): Promise<void> {
  for (const { subscription, attributes } of await subscriptions.confirmedOf(notification.topicArn, DELIVERED_HERE)) {
    const endpoint = subscription.Endpoint ?? '';
    const message = messageFor(notification, subscription.Protocol ?? '');
    if (!passesFilterPolicy(attributes.FilterPolicy, attributes.FilterPolicyScope, message, notification.attributes)) continue;
    const delivered = { ...notification, message };
    if (subscription.Protocol === 'email' || subscription.Protocol === 'email-json') {
      // SNS delivers after Publish has answered; a delivery that fails does not fail the Publish.
      await emailNotification(context, endpoint, delivered, subscription.SubscriptionArn ?? '', subscription.Protocol === 'email-json').catch((error: Error) =>
        context.log(`sns: notification ${notification.messageId} to ${endpoint} not delivered: ${error.message}`),
      );
    } else if (subscription.Protocol === 'sqs') {
      await sqsNotification(context, endpoint, delivered, subscription.SubscriptionArn ?? '', attributes.RawMessageDelivery === 'true').catch((error: Error) =>
        context.log(`sns: notification ${notification.messageId} to ${endpoint} not delivered: ${error.message}`),
      );
    } else if (subscription.Protocol === 'lambda') {
      const fn = context.functions.find(endpoint);
      if (!fn) {
        context.log(`sns: ${notification.topicArn}: no local function ${endpoint}; notification ${notification.messageId} not delivered to it`);
        continue;
      }
      if (!serviceMayInvoke(context, 'sns.amazonaws.com', fn, { arn: notification.topicArn })) continue;
      void invokeAsync(context, fn, snsEvent(context, delivered, subscription.SubscriptionArn ?? ''), `sns ${notification.topicArn}`);
    }
  }
}

function snsMessage(context: CloudContext, notification: Notification, subscriptionArn: string) {
  return {
    Type: 'Notification',
    MessageId: notification.messageId,
    TopicArn: notification.topicArn,
    Subject: notification.subject ?? null,
    Message: notification.message,
    Timestamp: new Date().toISOString(),
    SignatureVersion: '1',
    Signature: 'local',
    SigningCertURL: `${context.endpoint.url}/_local/sns/cert.pem`,
    UnsubscribeURL: `${context.endpoint.url}/_local/sns/unsubscribe/${encodeURIComponent(subscriptionArn)}`,
    // In AWS's JSON notifications only when the message has attributes; the Lambda event always has them.
    ...(Object.keys(notification.attributes).length ? { MessageAttributes: notification.attributes } : {}),
  };
}

function snsEvent(context: CloudContext, notification: Notification, subscriptionArn: string) {
  const { SigningCertURL, UnsubscribeURL, ...message } = snsMessage(context, notification, subscriptionArn);
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: { ...message, SigningCertUrl: SigningCertURL, UnsubscribeUrl: UnsubscribeURL, MessageAttributes: notification.attributes },
      },
    ],
  };
}

/** What SNS sends an email subscriber: the message, then the unsubscribe footer. */
async function emailNotification(context: CloudContext, to: string, notification: Notification, subscriptionArn: string, asJson: boolean): Promise<void> {
  const message = snsMessage(context, notification, subscriptionArn);
  const text = asJson
    ? JSON.stringify(message)
    : `${notification.message}\n\n--\nIf you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:\n${message.UnsubscribeURL}\n\nPlease do not reply directly to this email. If you have any questions or comments regarding this email, please contact us at https://aws.amazon.com/support`;
  await mailFromAws(context, { from: 'AWS Notifications <no-reply@sns.amazonaws.com>', to, subject: notification.subject ?? 'AWS Notification Message', text });
}

/**
 * What SNS sends an SQS subscriber: the JSON notification (without Subject when there is none), or with
 * RawMessageDelivery the message itself, its attributes as the queue message's. FIFO topics pass the
 * group and deduplication ID on (content-based: the message's SHA-256).
 */
async function sqsNotification(context: CloudContext, queueArn: string, notification: Notification, subscriptionArn: string, raw: boolean): Promise<void> {
  const { Subject, ...message } = snsMessage(context, notification, subscriptionArn);
  const body = raw ? notification.message : JSON.stringify(Subject === null ? message : { ...message, Subject });
  const MessageAttributes: Record<string, MessageAttributeValue> = {};
  for (const [name, { Type, Value }] of Object.entries(raw ? notification.attributes : {}))
    MessageAttributes[name] = Type === 'Binary' ? { DataType: Type, BinaryValue: Buffer.from(Value, 'base64') } : { DataType: Type, StringValue: Value };
  const fifo = queueArn.endsWith('.fifo');
  const sqs = fauxqsSqsClient(context);
  try {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: fauxqsQueueUrl(context, queueArn),
        MessageBody: body,
        MessageAttributes: Object.keys(MessageAttributes).length ? MessageAttributes : undefined,
        MessageGroupId: fifo ? notification.groupId : undefined,
        MessageDeduplicationId: fifo ? (notification.deduplicationId ?? createHash('sha256').update(notification.message).digest('hex')) : undefined,
      }),
    );
  } finally {
    sqs.destroy();
  }
}
