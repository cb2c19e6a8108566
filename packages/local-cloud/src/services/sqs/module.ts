import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LocalModule } from '../../context';
import { fauxqsClientConfig } from '../../emulators/fauxqs';
import { proxyTo } from '../../endpoint';
import { ACCOUNT_ID } from '../cloudformation/intrinsics';
import { parsePolicy } from '../iam/policy';
import { sqsOperation } from './operations';

/** SQS through fauxqs, with the queues (and queue policies) of the templates; a queue's Ref is its URL on the local endpoint. */
export function sqsModule(): LocalModule {
  let sqs: SQSClient | undefined;
  return {
    name: 'sqs',
    needs: ['fauxqs'],
    async start(context) {
      sqs = new SQSClient(fauxqsClientConfig(context.ports.fauxqs, context.region));
      context.endpoint.route('sqs', {
        protocol: (request) => (request.headers['x-amz-target'] ? 'json' : 'query'),
        operation: (request) => sqsOperation(request, context.region, context.catalog),
        accessDenied: { status: 403, code: 'AccessDenied' },
        handle: proxyTo(`http://127.0.0.1:${context.ports.fauxqs}`),
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
