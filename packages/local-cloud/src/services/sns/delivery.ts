import { randomUUID } from 'node:crypto';
import type { CloudContext } from '../../context';
import type { AwsRequest, AwsResponse } from '../../endpoint';
import { invokeAsync, serviceMayInvoke } from '../lambda/module';
import { mailFromAws } from '../ses/awsMail';
import type { SnsSubscriptions } from './subscriptions';

interface Notification {
  topicArn: string;
  messageId: string;
  message: string;
  subject?: string;
}

/** The notifications a successful Publish or PublishBatch made, with the message IDs fauxqs gave them. */
export function notificationsOf(request: AwsRequest, response: AwsResponse): Notification[] {
  const form = new URLSearchParams(request.body.toString());
  const topicArn = form.get('TopicArn') ?? '';
  const xml = String(response.body ?? '');
  if (request.action === 'Publish') {
    const messageId = /<MessageId>([^<]+)<\/MessageId>/.exec(xml)?.[1] ?? randomUUID();
    return [{ topicArn, messageId, message: form.get('Message') ?? '', subject: form.get('Subject') ?? undefined }];
  }
  const ids = new Map([...xml.matchAll(/<Id>([^<]+)<\/Id>\s*<MessageId>([^<]+)<\/MessageId>/g)].map((match) => [match[1], match[2]]));
  const notifications: Notification[] = [];
  for (let index = 1; form.has(`PublishBatchRequestEntries.member.${index}.Id`); index += 1) {
    const entry = (name: string) => form.get(`PublishBatchRequestEntries.member.${index}.${name}`) ?? undefined;
    const messageId = ids.get(entry('Id') ?? '');
    if (messageId) notifications.push({ topicArn, messageId, message: entry('Message') ?? '', subject: entry('Subject') });
  }
  return notifications;
}

/**
 * What fauxqs does not deliver itself: email and email-json notifications to the local inbox, formatted
 * as SNS sends them, and Lambda subscriptions invoked asynchronously with an SNS event, as the
 * function's permission allows. Only confirmed subscriptions receive anything.
 */
export async function deliver(context: CloudContext, subscriptions: SnsSubscriptions, notification: Notification): Promise<void> {
  for (const subscription of await subscriptions.confirmedOf(notification.topicArn)) {
    const endpoint = subscription.Endpoint ?? '';
    if (subscription.Protocol === 'email' || subscription.Protocol === 'email-json') {
      // SNS delivers after Publish has answered; a delivery that fails does not fail the Publish.
      await emailNotification(context, endpoint, notification, subscription.SubscriptionArn ?? '', subscription.Protocol === 'email-json').catch(
        (error: Error) => context.log(`sns: notification ${notification.messageId} to ${endpoint} not delivered: ${error.message}`),
      );
    } else if (subscription.Protocol === 'lambda') {
      const fn = context.functions.find(endpoint);
      if (!fn) {
        context.log(`sns: ${notification.topicArn}: no local function ${endpoint}; notification ${notification.messageId} not delivered to it`);
        continue;
      }
      if (!serviceMayInvoke(context, 'sns.amazonaws.com', fn, { arn: notification.topicArn })) continue;
      void invokeAsync(context, fn, snsEvent(context, notification, subscription.SubscriptionArn ?? ''), `sns ${notification.topicArn}`);
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
        Sns: { ...message, SigningCertUrl: SigningCertURL, UnsubscribeUrl: UnsubscribeURL, MessageAttributes: {} },
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
