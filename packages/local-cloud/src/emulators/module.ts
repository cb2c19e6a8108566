import { CreateTableCommand, type CreateTableCommandInput, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type LocalModule, physicalName, resourcesAcross } from '../context';
import { proxyTo } from '../endpoint';
import { ACCOUNT_ID } from '../intrinsics';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb';
import { type SesLocal, startSesLocal } from './ses';

/** DynamoDB Local behind the endpoint, with every table (GSIs, LSIs, streams) the templates declare. */
export function dynamoDbModule(): LocalModule {
  let dynamo: DynamoDbLocal | undefined;
  return {
    name: 'dynamodb',
    async start(context) {
      dynamo = await startDynamoDbLocal({ port: context.ports.dynamodb, dataDir: context.dataDir });
      context.endpoint.route('dynamodb', {
        action: (request) =>
          String(request.headers['x-amz-target'] ?? '')
            .split('.')
            .pop() ?? 'Unknown',
        handle: proxyTo(dynamo.url),
      });
      context.urls.dynamodb = dynamo.url;
      const client = new DynamoDBClient({ endpoint: dynamo.url, region: context.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      for (const resource of resourcesAcross(context, 'AWS::DynamoDB::Table')) {
        const properties = resource.resolver.resolve(resource.properties) as Record<string, unknown>;
        const tableName = physicalName(resource, properties.TableName);
        await createTable(client, tableInput(tableName, properties));
        const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
        resource.resolver.register(resource.logicalId, {
          ref: tableName,
          attributes: {
            Arn: `arn:aws:dynamodb:${context.region}:${ACCOUNT_ID}:table/${tableName}`,
            ...(Table?.LatestStreamArn ? { StreamArn: Table.LatestStreamArn } : {}),
          },
        });
        context.log(`table ${tableName}${Table?.LatestStreamArn ? ' (stream)' : ''}`);
      }
      client.destroy();
    },
    async stop() {
      await dynamo?.stop();
    },
  };
}

/** CloudFormation's table properties as a CreateTable request. */
function tableInput(tableName: string, p: Record<string, unknown>): CreateTableCommandInput {
  const stream = p.StreamSpecification as { StreamViewType?: string } | undefined;
  const onDemand = p.BillingMode === 'PAY_PER_REQUEST';
  const throughput = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };
  const indexes = (list: unknown) =>
    (list as Array<Record<string, unknown>> | undefined)?.map((index) => ({
      IndexName: index.IndexName,
      KeySchema: index.KeySchema,
      Projection: index.Projection,
      ...(onDemand ? {} : { ProvisionedThroughput: index.ProvisionedThroughput ?? throughput }),
    }));
  return {
    TableName: tableName,
    AttributeDefinitions: p.AttributeDefinitions,
    KeySchema: p.KeySchema,
    BillingMode: onDemand ? 'PAY_PER_REQUEST' : 'PROVISIONED',
    ...(onDemand ? {} : { ProvisionedThroughput: p.ProvisionedThroughput ?? throughput }),
    GlobalSecondaryIndexes: indexes(p.GlobalSecondaryIndexes),
    LocalSecondaryIndexes: indexes(p.LocalSecondaryIndexes),
    StreamSpecification: stream?.StreamViewType ? { StreamEnabled: true, StreamViewType: stream.StreamViewType } : undefined,
  } as CreateTableCommandInput;
}

async function createTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  try {
    await client.send(new CreateTableCommand(input));
  } catch (error) {
    // Kept from an earlier run (a data directory): the table is already there.
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
}

/** SES (send) through aws-ses-v2-local; its web page is the local inbox. */
export function sesModule(): LocalModule {
  let ses: SesLocal | undefined;
  return {
    name: 'ses',
    async start(context) {
      ses = await startSesLocal({ port: context.ports.ses });
      context.endpoint.route('ses', {
        action: (request) => {
          if (request.path === '/v2/email/outbound-emails') return 'SendEmail';
          if (request.path === '/v2/email/outbound-bulk-emails') return 'SendBulkEmail';
          return new URLSearchParams(request.body.toString()).get('Action') ?? `${request.method} ${request.path}`;
        },
        handle: proxyTo(ses.url),
      });
      context.urls.inbox = ses.url;
    },
    async stop() {
      await ses?.stop();
    },
  };
}
