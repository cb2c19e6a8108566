import { randomUUID } from 'node:crypto';
import { CreateTopicCommand, ListSubscriptionsByTopicCommand, SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { localAuthorization } from '../../awsCall';
import type { CloudContext, LocalModule } from '../../context';
import { fauxqsClientConfig } from '../../emulators/fauxqs';
import { type AwsRequest, type AwsResponse, proxyTo } from '../../endpoint';
import { parsePolicy } from '../iam/policy';
import { invokeAsync, serviceMayInvoke } from '../lambda/module';
import { snsOperation } from './operations';

interface Notification {
  topicArn: string;
  messageId: string;
  message: string;
  subject?: string;
}

/**
 * SNS through fauxqs, with the topics and subscriptions of the templates. fauxqs delivers SNS to SQS
 * itself; this module adds what it lacks: email and email-json subscriptions land in the local inbox
 * formatted as SNS sends them, and Lambda subscriptions invoke the function asynchronously with an
 * SNS event, as its permission allows. Email subscriptions count as confirmed (in AWS the recipient
 * must click the confirmation link first).
 */
export function snsModule(): LocalModule {
  let sns: SNSClient | undefined;
  return {
    name: 'sns',
    needs: ['fauxqs', 'lambda'],
    async start(context) {
      const topics = new SNSClient(fauxqsClientConfig(context.ports.fauxqs, context.region));
      sns = topics;
      // The link at the foot of every notification email, as in AWS: opening it unsubscribes.
      context.endpoint.localAction('GET', /^\/_local\/sns\/unsubscribe\/(.+)$/, (match) => {
        const SubscriptionArn = decodeURIComponent(match[1] ?? '');
        void topics
          .send(new UnsubscribeCommand({ SubscriptionArn }))
          .catch((error: Error) => context.log(`sns: unsubscribe ${SubscriptionArn}: ${error.message}`));
        return { status: 200, headers: { 'content-type': 'text/plain' }, body: `Unsubscribed ${SubscriptionArn}\n` };
      });
      const forward = proxyTo(`http://127.0.0.1:${context.ports.fauxqs}`);
      context.endpoint.route('sns', {
        protocol: () => 'query',
        operation: (request) => snsOperation(request, context.region, context.catalog),
        accessDenied: { status: 403, code: 'AuthorizationError' },
        handle: async (request) => {
          const response = await forward(request);
          if (response.status === 200 && (request.action === 'Publish' || request.action === 'PublishBatch')) {
            for (const notification of notificationsOf(request, response)) await deliver(context, topics, notification);
          }
          return response;
        },
      });
    },
    creates: {
      'AWS::SNS::Topic': async ({ resolver, logicalId, properties }, context) => {
        const name = resolver.physicalName(logicalId);
        const { TopicArn = '' } = (await sns?.send(new CreateTopicCommand({ Name: name }))) ?? {};
        resolver.register(logicalId, { ref: TopicArn, attributes: { TopicArn, TopicName: name } });
        const subscriptions = resolver.resolve(properties.Subscription ?? []) as Array<{ Protocol: string; Endpoint: string }>;
        for (const subscription of subscriptions) await subscribe(context, sns, TopicArn, subscription);
        context.log(`topic ${name}${subscriptions.length ? `: ${subscriptions.map((s) => `${s.Protocol}:${s.Endpoint}`).join(', ')}` : ''}`);
      },
      'AWS::SNS::Subscription': async ({ resolver, properties }, context) => {
        const p = resolver.resolve(properties) as { TopicArn: string; Protocol: string; Endpoint: string };
        await subscribe(context, sns, p.TopicArn, p);
      },
      'AWS::SNS::TopicPolicy': async ({ resolver, logicalId, properties }, context) => {
        const p = resolver.resolve(properties) as { Topics: string[]; PolicyDocument: unknown };
        for (const topicArn of p.Topics)
          context.iam.addResourcePolicy(topicArn, parsePolicy(p.PolicyDocument, `topic policy ${logicalId}`, { resourcePolicy: true }));
      },
    },
    async stop() {
      sns?.destroy();
    },
  };
}

/**
 * Subscribes an endpoint to a topic. fauxqs delivers SNS to SQS itself, without asking the queue's
 * policy; so that no message arrives that AWS would not deliver, a queue whose policy does not let
 * this topic send to it is refused here.
 */
async function subscribe(
  context: CloudContext,
  sns: SNSClient | undefined,
  topicArn: string,
  subscription: { Protocol: string; Endpoint: string },
): Promise<void> {
  if (subscription.Protocol === 'sqs') {
    const principal = { kind: 'service' as const, service: 'sns.amazonaws.com' };
    const decision = context.iam.decide(principal, { action: 'sqs:SendMessage', resource: subscription.Endpoint, context: { 'aws:SourceArn': topicArn } });
    if (!decision.allowed)
      throw new Error(
        `the queue policy of ${subscription.Endpoint} does not let ${topicArn} send to it (sqs:SendMessage for sns.amazonaws.com): AWS would drop every message, which fauxqs would deliver`,
      );
  }
  await sns?.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: subscription.Protocol, Endpoint: subscription.Endpoint }));
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
