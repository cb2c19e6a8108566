import { randomUUID } from 'node:crypto';
import { CreateTopicCommand, ListSubscriptionsByTopicCommand, SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { localAuthorization } from '../awsCall';
import { type CloudContext, type LocalModule, physicalName, resourcesAcross } from '../context';
import { type AwsRequest, type AwsResponse, proxyTo } from '../endpoint';
import { ACCOUNT_ID } from '../intrinsics';
import { invokeAsync } from '../lambda/module';

interface Notification {
  topicArn: string;
  messageId: string;
  message: string;
  subject?: string;
}

/**
 * SQS and SNS through fauxqs (in process, on 127.0.0.1), with topics and subscriptions from the
 * templates. fauxqs delivers SNS to SQS itself; the local cloud adds what it lacks: email and
 * email-json subscriptions land in the local inbox formatted as SNS sends them, and Lambda
 * subscriptions invoke the function asynchronously with an SNS event. Email subscriptions count as
 * confirmed (in AWS the recipient must click the confirmation link first).
 */
export function messagingModule(): LocalModule {
  let app: { close(): Promise<unknown> } | undefined;
  return {
    name: 'sns-sqs',
    async prepare(context) {
      for (const queue of resourcesAcross(context, 'AWS::SQS::Queue')) {
        const name = physicalName(queue, queue.properties.QueueName);
        // A queue URL on the local endpoint: the SDK sends every call there, and fauxqs reads the name from the path.
        const queueUrl = `${context.endpoint.url}/${ACCOUNT_ID}/${name}`;
        queue.resolver.register(queue.logicalId, {
          ref: queueUrl,
          attributes: { Arn: `arn:aws:sqs:${context.region}:${ACCOUNT_ID}:${name}`, QueueName: name, QueueUrl: queueUrl },
        });
      }
      for (const resource of resourcesAcross(context, 'AWS::SNS::Topic')) {
        const name = physicalName(resource, resource.properties.TopicName);
        const arn = `arn:aws:sns:${context.region}:${ACCOUNT_ID}:${name}`;
        resource.resolver.register(resource.logicalId, { ref: arn, attributes: { TopicArn: arn, TopicName: name } });
      }
    },
    async start(context) {
      // Loaded here, not imported above: its node:sqlite warning is emitted while imports are linked,
      // before the CLI's warning filter could run.
      const { buildApp } = await import('fauxqs');
      const fauxqs = buildApp({ logger: false });
      app = fauxqs;
      await fauxqs.listen({ host: '127.0.0.1', port: context.ports.fauxqs });
      const url = `http://127.0.0.1:${context.ports.fauxqs}`;
      const sns = new SNSClient({ endpoint: url, region: context.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      await createQueues(context, url);
      await createTopics(context, sns);

      // The link at the foot of every notification email, as in AWS: opening it unsubscribes.
      context.endpoint.localAction('GET', /^\/_local\/sns\/unsubscribe\/(.+)$/, (match) => {
        const SubscriptionArn = decodeURIComponent(match[1] ?? '');
        void sns
          .send(new UnsubscribeCommand({ SubscriptionArn }))
          .catch((error: Error) => context.log(`sns: unsubscribe ${SubscriptionArn}: ${error.message}`));
        return { status: 200, headers: { 'content-type': 'text/plain' }, body: `Unsubscribed ${SubscriptionArn}\n` };
      });
      const forward = proxyTo(url);
      context.endpoint.route('sqs', { action: (request) => queryOrJsonAction(request), handle: forward });
      context.endpoint.route('sns', {
        action: (request) => queryOrJsonAction(request),
        handle: async (request) => {
          const response = await forward(request);
          if (response.status === 200 && (request.action === 'Publish' || request.action === 'PublishBatch')) {
            for (const notification of notificationsOf(request, response)) await deliver(context, sns, notification);
          }
          return response;
        },
      });
    },
    async stop() {
      await app?.close();
    },
  };
}

/** Queues from the templates (with their attributes, RedrivePolicy included); a Ref is the queue URL. */
async function createQueues(context: CloudContext, url: string): Promise<void> {
  const sqs = new SQSClient({ endpoint: url, region: context.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const queues = resourcesAcross(context, 'AWS::SQS::Queue');
  // Dead-letter queues first: a RedrivePolicy names its DLQ's ARN.
  queues.sort((a, b) => Number(Boolean(a.properties.RedrivePolicy)) - Number(Boolean(b.properties.RedrivePolicy)));
  for (const queue of queues) {
    const name = queue.resolver.getAtt(queue.logicalId, 'QueueName');
    const { logicalId: _id, QueueName: _name, Tags: _tags, ...properties } = queue.resolver.resolve(queue.properties) as Record<string, unknown>;
    const attributes = Object.fromEntries(
      Object.entries(properties).map(([key, value]) => [key, typeof value === 'object' ? JSON.stringify(value) : String(value)]),
    );
    await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    context.log(
      `queue ${name}${properties.RedrivePolicy ? ` (dead letters after ${(properties.RedrivePolicy as { maxReceiveCount?: number }).maxReceiveCount} receives)` : ''}`,
    );
  }
  sqs.destroy();
}

async function createTopics(context: CloudContext, sns: SNSClient): Promise<void> {
  for (const { resolver, logicalId, properties } of resourcesAcross(context, 'AWS::SNS::Topic')) {
    const name = resolver.getAtt(logicalId, 'TopicName');
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
    const subscriptions = resolver.resolve(properties.Subscription ?? []) as Array<{ Protocol: string; Endpoint: string }>;
    for (const subscription of subscriptions)
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: subscription.Protocol, Endpoint: subscription.Endpoint }));
    context.log(`topic ${name}${subscriptions.length ? `: ${subscriptions.map((s) => `${s.Protocol}:${s.Endpoint}`).join(', ')}` : ''}`);
  }
  for (const { resolver, properties } of resourcesAcross(context, 'AWS::SNS::Subscription')) {
    const p = resolver.resolve(properties) as { TopicArn: string; Protocol: string; Endpoint: string };
    await sns.send(new SubscribeCommand({ TopicArn: p.TopicArn, Protocol: p.Protocol, Endpoint: p.Endpoint }));
  }
}

/** SNS speaks the query protocol (form body, Action=...); SQS speaks JSON (X-Amz-Target). */
function queryOrJsonAction(request: Omit<AwsRequest, 'action'>): string {
  const target = request.headers['x-amz-target'];
  if (target) return String(target).split('.').pop() ?? 'Unknown';
  return new URLSearchParams(request.body.toString()).get('Action') ?? 'Unknown';
}

function notificationsOf(request: AwsRequest, response: AwsResponse): Notification[] {
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

async function deliver(context: CloudContext, sns: SNSClient, notification: Notification): Promise<void> {
  const { Subscriptions = [] } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: notification.topicArn }));
  for (const subscription of Subscriptions) {
    const endpoint = subscription.Endpoint ?? '';
    if (subscription.Protocol === 'email' || subscription.Protocol === 'email-json') {
      await emailNotification(context, endpoint, notification, subscription.SubscriptionArn ?? '', subscription.Protocol === 'email-json');
    } else if (subscription.Protocol === 'lambda') {
      const fn = context.functions.find(endpoint);
      if (!fn) {
        context.log(`sns: ${notification.topicArn}: no local function ${endpoint}; notification ${notification.messageId} not delivered to it`);
        continue;
      }
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
  const response = await fetch(`${context.urls.inbox}/v2/email/outbound-emails`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: localAuthorization('ses', 'sns') },
    body: JSON.stringify({
      FromEmailAddress: 'AWS Notifications <no-reply@sns.amazonaws.com>',
      Destination: { ToAddresses: [to] },
      Content: { Simple: { Subject: { Data: notification.subject ?? 'AWS Notification Message' }, Body: { Text: { Data: text } } } },
    }),
  });
  if (!response.ok) context.log(`sns: email to ${to} for ${notification.messageId} failed: ${response.status} ${await response.text()}`);
}
