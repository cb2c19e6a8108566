import { CreateTopicCommand, SNSClient, UnsubscribeCommand } from '@aws-sdk/client-sns';
import type { CloudContext, LocalModule, ModuleCoverage } from '../../context';
import { fauxqsClientConfig } from '../../emulators/fauxqs';
import { type AwsRequest, type AwsResponse, proxyTo } from '../../endpoint';
import { queryParameters } from '../../operations';
import { queryResponse, toXml } from '../../xml';
import { parsePolicy } from '../iam/policy';
import { deliver, notificationsOf } from './delivery';
import { snsOperation, topicOfSubscription } from './operations';
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
    'SQS subscriptions (sent to fauxqs queues by the local cloud, raw or as notifications)',
    'email and email-json subscriptions, confirmed by the link SNS mails, to the local inbox',
    'Lambda subscriptions',
    'filter policies (message attributes or body, every documented operator) on every subscription, validated at Subscribe and SetSubscriptionAttributes',
  ],
  notEmulated: ['http, https, SMS, mobile push and Firehose deliveries', 'delivery retry policies and delivery status logging'],
} satisfies ModuleCoverage;

/**
 * SNS through fauxqs, with the topics and subscriptions of the templates. This module adds what fauxqs
 * lacks or does otherwise than AWS: subscriptions and filter policies kept and confirmed as in AWS (an
 * email subscriber opens the link SNS mails), and every delivery, SQS's too, decided by one filter
 * evaluator (see delivery.ts).
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
          .then(() => kept.forget((arn) => arn === SubscriptionArn))
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
        await subscribe(context, subscriptions, p.TopicArn, p as typeof p & Record<string, unknown>);
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
 * Subscribes an endpoint to a topic, as a template's AWS::SNS::Subscription (or a topic's Subscription
 * list) says, with its attributes (FilterPolicy is a JSON object there). fauxqs delivered SNS to SQS
 * without asking the queue's policy; so that no template relies on a delivery AWS would drop, a queue
 * whose policy does not let this topic send to it is refused here.
 */
async function subscribe(
  context: CloudContext,
  subscriptions: SnsSubscriptions | undefined,
  topicArn: string,
  subscription: { Protocol: string; Endpoint: string } & Record<string, unknown>,
): Promise<void> {
  const { Protocol, Endpoint } = subscription;
  if (Protocol === 'sqs') {
    const principal = { kind: 'service' as const, service: 'sns.amazonaws.com' };
    const decision = context.iam.decide(principal, { action: 'sqs:SendMessage', resource: Endpoint, context: { 'aws:SourceArn': topicArn } });
    if (!decision.allowed)
      throw new Error(
        `the queue policy of ${Endpoint} does not let ${topicArn} send to it (sqs:SendMessage for sns.amazonaws.com): AWS would drop every message`,
      );
  }
  const attributes: Record<string, string> = {};
  for (const name of TEMPLATE_ATTRIBUTES) {
    const value = subscription[name];
    if (value !== undefined) attributes[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  // A restart under --persist meets the template's subscriptions again: CloudFormation would not resend their confirmations.
  await subscriptions?.subscribe(topicArn, Protocol, Endpoint, attributes, { again: 'quietly' });
}

/** The properties of AWS::SNS::Subscription that are subscription attributes. */
const TEMPLATE_ATTRIBUTES = ['DeliveryPolicy', 'FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery', 'RedrivePolicy', 'SubscriptionRoleArn'];

const NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

/**
 * An SNS call answered by fauxqs, with what this module adds: subscriptions and their filter policies
 * kept as SNS keeps them (subscriptions.ts), confirmations, deliveries, AWS's pending ARNs.
 */
async function answer(
  context: CloudContext,
  request: AwsRequest,
  forward: (request: AwsRequest) => Promise<AwsResponse>,
  subscriptions: SnsSubscriptions,
): Promise<AwsResponse> {
  const parameters = queryParameters(request);
  const get = (name: string) => parameters.get(name) ?? '';
  if (request.action === 'Subscribe') {
    const attributes: Record<string, string> = {};
    for (let index = 1; parameters.has(`Attributes.entry.${index}.key`); index += 1)
      attributes[get(`Attributes.entry.${index}.key`)] = get(`Attributes.entry.${index}.value`);
    const arn = await subscriptions.subscribe(get('TopicArn'), get('Protocol'), get('Endpoint'), attributes);
    // AWS answers a subscription still waiting for its recipient as pending, unless the caller asked for the ARN.
    const shown = get('ReturnSubscriptionArn') !== 'true' && (await subscriptions.isPending(arn)) ? 'pending confirmation' : arn;
    return queryResponse('Subscribe', NAMESPACE, { SubscriptionArn: shown });
  }
  if (request.action === 'ConfirmSubscription')
    return queryResponse('ConfirmSubscription', NAMESPACE, { SubscriptionArn: await subscriptions.confirm(get('TopicArn'), get('Token')) });
  const attributeName = get('AttributeName');
  if (request.action === 'SetSubscriptionAttributes' && (attributeName === 'FilterPolicy' || attributeName === 'FilterPolicyScope')) {
    await subscriptions.setFilter(get('SubscriptionArn'), attributeName, get('AttributeValue'));
    return queryResponse('SetSubscriptionAttributes', NAMESPACE, '');
  }
  const response = await forward(request);
  if (response.status !== 200) return response;
  if (request.action === 'Publish' || request.action === 'PublishBatch') {
    for (const notification of notificationsOf(request, response)) await deliver(context, subscriptions, notification);
  }
  if (request.action === 'Unsubscribe') subscriptions.forget((arn) => arn === get('SubscriptionArn'));
  if (request.action === 'DeleteTopic') subscriptions.forget((arn) => topicOfSubscription(arn) === get('TopicArn'));
  if (request.action === 'GetSubscriptionAttributes') return withFilter(response, subscriptions.filterAttributes(get('SubscriptionArn')));
  if (request.action === 'ListSubscriptions' || request.action === 'ListSubscriptionsByTopic') return subscriptions.asAwsList(response);
  return response;
}

/** fauxqs's GetSubscriptionAttributes answer with the filter policy kept here in place of fauxqs's. */
function withFilter(response: AwsResponse, filter: Record<string, string>): AwsResponse {
  const xml = String(response.body ?? '').replace(/<entry><key>FilterPolicy(Scope)?<\/key><value>[^<]*<\/value><\/entry>\s*/g, '');
  const entries = Object.entries(filter).map(([key, value]) => toXml({ entry: { key, value } }));
  return { ...response, body: xml.replace('</Attributes>', `${entries.join('')}</Attributes>`) };
}
