import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LocalModule, ModuleCoverage } from '../../context';
import { fauxqsClientConfig } from '../../emulators/fauxqs';
import { awsError, proxyTo } from '../../endpoint';
import { queryParameters } from '../../operations';
import { queryResponseXml } from '../../xml';
import { ACCOUNT_ID } from '../cloudformation/intrinsics';
import { parsePolicy } from '../iam/policy';
import { sqsOperation } from './operations';
import { jsonToQueryResult, queryErrorCode, queryToJson, SQS_NAMESPACE } from './queryProtocol';

/** The operations whose answers name queues by URL. */
const QUEUE_URL_ACTIONS = new Set(['CreateQueue', 'GetQueueUrl', 'ListQueues', 'ListDeadLetterSourceQueues']);

/** fauxqs's SQS operations, in both of SQS's protocols. */
const COVERAGE = {
  service: 'Amazon SQS',
  by: 'fauxqs',
  operations: [
    'CreateQueue',
    'DeleteQueue',
    'GetQueueUrl',
    'ListQueues',
    'GetQueueAttributes',
    'SetQueueAttributes',
    'PurgeQueue',
    'SendMessage',
    'SendMessageBatch',
    'ReceiveMessage',
    'DeleteMessage',
    'DeleteMessageBatch',
    'ChangeMessageVisibility',
    'ChangeMessageVisibilityBatch',
    'TagQueue',
    'UntagQueue',
    'ListQueueTags',
  ],
  notEmulated: [
    'ListDeadLetterSourceQueues, AddPermission, RemovePermission, message move tasks',
    "queue policies set at run time (SetQueueAttributes Policy is kept, not enforced; the templates' AWS::SQS::QueuePolicy is)",
  ],
} satisfies ModuleCoverage;

/** SQS through fauxqs, with the queues (and queue policies) of the templates; a queue's Ref is its URL on the local endpoint. */
export function sqsModule(): LocalModule {
  let sqs: SQSClient | undefined;
  return {
    name: 'sqs',
    coverage: COVERAGE,
    needs: ['fauxqs'],
    async start(context) {
      sqs = new SQSClient(fauxqsClientConfig(context.ports.fauxqs, context.region));
      const fauxqs = `http://127.0.0.1:${context.ports.fauxqs}`;
      const forward = proxyTo(fauxqs);
      // fauxqs names queues by its own host and port; clients should see the endpoint's, where they send.
      const onEndpoint = (text: string) => text.replace(new RegExp(`https?://[^/"<\\s]+:${context.ports.fauxqs}/`, 'g'), `${context.endpoint.url}/`);
      context.endpoint.route('sqs', {
        operations: COVERAGE.operations,
        protocol: (request) => (request.headers['x-amz-target'] ? 'json' : 'query'),
        operation: (request) => sqsOperation(request, context.region, context.catalog),
        accessDenied: { status: 403, code: 'AccessDenied' },
        handle: async (request) => {
          if (request.headers['x-amz-target']) {
            const response = await forward(request);
            return QUEUE_URL_ACTIONS.has(request.action) ? { ...response, body: onEndpoint(String(response.body ?? '')) } : response;
          }
          // The query protocol, which fauxqs does not speak: as JSON there and back.
          const input = queryToJson(request.action, queryParameters(request));
          const response = await forward({
            ...request,
            method: 'POST',
            path: '/',
            query: new URLSearchParams(),
            headers: {
              'content-type': 'application/x-amz-json-1.0',
              'x-amz-target': `AmazonSQS.${request.action}`,
              authorization: String(request.headers.authorization ?? ''),
            },
            body: Buffer.from(JSON.stringify(input)),
          });
          const body = JSON.parse(String(response.body || '{}')) as Record<string, unknown>;
          if (response.status !== 200)
            return awsError(response.status, queryErrorCode(String(body.__type ?? 'InternalError')), String(body.message ?? ''), 'query');
          return queryResponseXml(request.action, SQS_NAMESPACE, onEndpoint(jsonToQueryResult(request.action, body)));
        },
      });
    },
    creates: {
      // Queues with their attributes (RedrivePolicy included).
      'AWS::SQS::Queue': async ({ resolver, logicalId, properties }, context) => {
        const name = resolver.physicalName(logicalId);
        const { QueueName: _name, Tags: _tags, ...rest } = resolver.resolve(properties) as Record<string, unknown>;
        const attributes = Object.fromEntries(
          Object.entries(rest).map(([key, value]) => [key, typeof value === 'object' ? JSON.stringify(value) : String(value)]),
        );
        await sqs?.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
        // A queue URL on the local endpoint: the SDK sends every call there, and fauxqs reads the name from the path.
        const queueUrl = `${context.endpoint.url}/${ACCOUNT_ID}/${name}`;
        resolver.register(logicalId, {
          ref: queueUrl,
          attributes: { Arn: `arn:aws:sqs:${context.region}:${ACCOUNT_ID}:${name}`, QueueName: name, QueueUrl: queueUrl },
        });
        context.log(
          `queue ${name}${rest.RedrivePolicy ? ` (dead letters after ${(rest.RedrivePolicy as { maxReceiveCount?: number }).maxReceiveCount} receives)` : ''}`,
        );
      },
      'AWS::SQS::QueuePolicy': async ({ resolver, logicalId, properties }, context) => {
        const p = resolver.resolve(properties) as { Queues: string[]; PolicyDocument: unknown };
        for (const queueUrl of p.Queues) {
          const arn = `arn:aws:sqs:${context.region}:${ACCOUNT_ID}:${queueUrl.split('/').pop()}`;
          context.iam.addResourcePolicy(arn, parsePolicy(p.PolicyDocument, `queue policy ${logicalId}`, { resourcePolicy: true }));
        }
      },
    },
    async stop() {
      sqs?.destroy();
    },
  };
}
