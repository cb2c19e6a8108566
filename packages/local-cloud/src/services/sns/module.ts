import { CreateTopicCommand, SNSClient, UnsubscribeCommand } from '@aws-sdk/client-sns';
import type { CloudContext, LocalModule, ModuleCoverage } from '../../context';
import { fauxqsClientConfig } from '../../emulators/fauxqs';
import { type AwsRequest, type AwsResponse, proxyTo } from '../../endpoint';
import { queryParameters } from '../../operations';
import { xmlText } from '../../xml';
import { parsePolicy } from '../iam/policy';
import { deliver, notificationsOf } from './delivery';
import { snsOperation } from './operations';
import { SnsSubscriptions } from './subscriptions';

const COVERAGE = {
  service: 'Amazon SNS',
  by: 'fauxqs and the local cloud',
  operations: [
    'CreateTopic',
    'DeleteTopic',
    'ListTopics',
    'GetTopicAttributes',
    'SetTopicAttributes',
    'Subscribe',
    'Unsubscribe',
    'ConfirmSubscription',
    'ListSubscriptions',
    'ListSubscriptionsByTopic',
    'GetSubscriptionAttributes',
    'SetSubscriptionAttributes',
    'Publish',
    'PublishBatch',
    'TagResource',
    'UntagResource',
    'ListTagsForResource',
  ],
  eventSources: [
    'SQS subscriptions (fauxqs)',
    'email and email-json subscriptions, confirmed by the link SNS mails, to the local inbox',
    'Lambda subscriptions',
    'filter policies on every subscription',
  ],
  notEmulated: ['http, https, SMS, mobile push and Firehose deliveries', 'delivery retry policies and delivery status logging'],
} satisfies ModuleCoverage;

/**
 * SNS through fauxqs, with the topics and subscriptions of the templates. fauxqs delivers SNS to SQS
 * itself; this module adds what it lacks: subscriptions confirmed as in AWS (an email subscriber
 * opens the link SNS mails), email and Lambda deliveries (see delivery.ts).
 */
export function snsModule(): LocalModule {
  let sns: SNSClient | undefined;
  let subscriptions: SnsSubscriptions | undefined;
  return {
    name: 'sns',
    coverage: COVERAGE,
    needs: ['fauxqs', 'lambda'],
    async start(context) {
      const topics = new SNSClient(fauxqsClientConfig(context.ports.fauxqs, context.region));
      sns = topics;
      const kept = new SnsSubscriptions(context, topics);
      subscriptions = kept;
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
        operations: COVERAGE.operations,
        protocol: () => 'query',
        operation: (request) => snsOperation(request, context.region, context.catalog),
        accessDenied: { status: 403, code: 'AuthorizationError' },
        handle: (request) => answer(context, request, forward, kept),
      });
    },
    creates: {
      'AWS::SNS::Topic': async ({ resolver, logicalId, properties }, context) => {
        const name = resolver.physicalName(logicalId);
        const { TopicArn = '' } = (await sns?.send(new CreateTopicCommand({ Name: name }))) ?? {};
        resolver.register(logicalId, { ref: TopicArn, attributes: { TopicArn, TopicName: name } });
        const subscribers = resolver.resolve(properties.Subscription ?? []) as Array<{ Protocol: string; Endpoint: string }>;
        for (const subscription of subscribers) await subscribe(context, subscriptions, TopicArn, subscription);
        context.log(`topic ${name}${subscribers.length ? `: ${subscribers.map((s) => `${s.Protocol}:${s.Endpoint}`).join(', ')}` : ''}`);
      },
      'AWS::SNS::Subscription': async ({ resolver, properties }, context) => {
        const p = resolver.resolve(properties) as { TopicArn: string; Protocol: string; Endpoint: string };
        await subscribe(context, subscriptions, p.TopicArn, p);
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
  subscriptions: SnsSubscriptions | undefined,
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
  await subscriptions?.subscribe(topicArn, subscription);
}

/** An SNS call answered by fauxqs, with what this module adds: confirmations, deliveries, AWS's pending ARNs. */
async function answer(
  context: CloudContext,
  request: AwsRequest,
  forward: (request: AwsRequest) => Promise<AwsResponse>,
  subscriptions: SnsSubscriptions,
): Promise<AwsResponse> {
  const parameters = queryParameters(request);
  const askedForArn = parameters.get('ReturnSubscriptionArn') === 'true';
  const response = await forward(request.action === 'Subscribe' ? returningArn(request) : request);
  if (response.status !== 200) return response;
  if (request.action === 'Publish' || request.action === 'PublishBatch') {
    for (const notification of notificationsOf(request, response)) await deliver(context, subscriptions, notification);
  }
  if (request.action === 'Subscribe') {
    const SubscriptionArn = xmlText(/<SubscriptionArn>([^<]+)<\/SubscriptionArn>/.exec(String(response.body))?.[1] ?? '');
    const [TopicArn, Protocol, Endpoint] = ['TopicArn', 'Protocol', 'Endpoint'].map((name) => parameters.get(name) ?? '');
    await subscriptions.subscribed({ SubscriptionArn, TopicArn, Protocol, Endpoint });
  }
  return subscriptions.asAwsAnswers(request.action, response, askedForArn);
}

/** A Subscribe that asks fauxqs for the new ARN, which this module needs whatever the caller asked. */
function returningArn(request: AwsRequest): AwsRequest {
  if (request.method === 'GET') return { ...request, query: new URLSearchParams([...request.query, ['ReturnSubscriptionArn', 'true']]) };
  const form = new URLSearchParams(request.body.toString('utf8'));
  form.set('ReturnSubscriptionArn', 'true');
  return { ...request, body: Buffer.from(form.toString()) };
}
