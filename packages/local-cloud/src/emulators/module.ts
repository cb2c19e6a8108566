import { CreateTableCommand, type CreateTableCommandInput, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type LocalModule, resourcesAcross } from '../context';
import { proxyTo } from '../endpoint';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb';
import { dynamoDbOperation } from './dynamodbOperations';
import { type SesLocal, startSesLocal } from './ses';
import { sesOperation } from './sesOperations';

/** DynamoDB Local behind the endpoint, with every table (GSIs, LSIs, streams) the templates declare. */
export function dynamoDbModule(): LocalModule {
  let dynamo: DynamoDbLocal | undefined;
  let client: DynamoDBClient | undefined;
  return {
    name: 'dynamodb',
    async start(context) {
      // No table, no Java: a local cloud of templates without tables (the fixtures' ones) does without.
      if (!resourcesAcross(context, 'AWS::DynamoDB::Table').length) return;
      dynamo = await startDynamoDbLocal({ port: context.ports.dynamodb, dataDir: context.dataDir });
      context.endpoint.route('dynamodb', {
        protocol: () => 'json',
        operation: (request) => dynamoDbOperation(request, context.region, context.catalog),
        accessDenied: { status: 400, code: 'AccessDeniedException' },
        handle: proxyTo(dynamo.url),
      });
      context.urls.dynamodb = dynamo.url;
      client = new DynamoDBClient({ endpoint: dynamo.url, region: context.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    },
    creates: {
      'AWS::DynamoDB::Table': async ({ resolver, logicalId, properties }, context) => {
        if (!client) throw new Error('DynamoDB Local is not running');
        const tableName = resolver.ref(logicalId);
        await createTable(client, tableInput(tableName, resolver.resolve(properties) as Record<string, unknown>));
        const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
        const described = resolver.describe(logicalId);
        resolver.register(logicalId, {
          ref: tableName,
          attributes: { Arn: described?.attributes.Arn ?? '', ...(Table?.LatestStreamArn ? { StreamArn: Table.LatestStreamArn } : {}) },
        });
        context.log(`table ${tableName}${Table?.LatestStreamArn ? ' (stream)' : ''}`);
      },
    },
    async stop() {
      client?.destroy();
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
        // The v2 API is REST with JSON errors; v1 is the query protocol, with XML errors.
        protocol: (request) => (request.path.startsWith('/v2/') ? 'json' : 'query'),
        operation: (request) => sesOperation(request, context.region),
        accessDenied: { status: 403, code: 'AccessDeniedException' },
        handle: proxyTo(ses.url),
      });
      context.urls.inbox = ses.url;
    },
    async stop() {
      await ses?.stop();
    },
  };
}
