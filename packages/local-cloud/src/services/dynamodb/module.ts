import { setTimeout as sleep } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import { CreateTableCommand, type CreateTableCommandInput, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalModule, ModuleCoverage } from '../../context';
import { DYNAMODB_LOCAL_REGION, fromDynamoDbLocal, rewriteDynamoDbArns } from '../../emulators/dynamodbLocal';
import { proxyTo } from '../../endpoint';
import { dynamoDbOperation } from './operations';

/** DynamoDB and DynamoDB Streams both sign as dynamodb, so one route answers both; DynamoDB Local does the work. */
const COVERAGE = {
  service: 'Amazon DynamoDB',
  by: 'DynamoDB Local',
  operations: [
    'CreateTable',
    'DescribeTable',
    'ListTables',
    'UpdateTable',
    'DeleteTable',
    'DescribeTimeToLive',
    'UpdateTimeToLive',
    'PutItem',
    'GetItem',
    'UpdateItem',
    'DeleteItem',
    'Query',
    'Scan',
    'BatchGetItem',
    'BatchWriteItem',
    'TransactGetItems',
    'TransactWriteItems',
    'ExecuteStatement',
    'BatchExecuteStatement',
    'ExecuteTransaction',
    'ListStreams',
    'DescribeStream',
    'GetShardIterator',
    'GetRecords',
  ],
  notEmulated: [
    'deletion of expired items (TTL settings are kept)',
    'backups and point-in-time recovery',
    'global tables',
    'import from and export to S3',
    'Kinesis streaming destinations',
    'resource-based policies',
    'tags (DynamoDB Local: "Tagging is not currently supported")',
    'throttling (inject ProvisionedThroughputExceededException as a fault)',
  ],
} satisfies ModuleCoverage;

/** DynamoDB (and DynamoDB Streams) on the endpoint, DynamoDB Local behind it, with every table (GSIs, LSIs, streams) the templates declare. */
export function dynamoDbModule(): LocalModule {
  let client: DynamoDBClient | undefined;
  return {
    name: 'dynamodb',
    coverage: COVERAGE,
    needs: ['dynamodb-local'],
    async start(context) {
      const url = context.urls.dynamodb;
      // No table in any template: DynamoDB Local did not start, and the endpoint has no DynamoDB.
      if (!url) return;
      const forward = proxyTo(url);
      context.endpoint.route('dynamodb', {
        operations: COVERAGE.operations,
        protocol: () => 'json',
        operation: (request) => dynamoDbOperation(request, context.region, context.catalog),
        accessDenied: { status: 400, code: 'AccessDeniedException' },
        handle: async (request) => {
          const response = await forward(request);
          if (request.action === 'UpdateTable' && response.status === 200 && client) await indexesWritable(client, response);
          if (!response.body?.includes(DYNAMODB_LOCAL_REGION)) return response;
          const body = JSON.stringify(rewriteDynamoDbArns(JSON.parse(response.body.toString()), DYNAMODB_LOCAL_REGION, context.region));
          // Clients check the body against DynamoDB's checksum (the CLI retries on a mismatch): it is the new body's.
          return { ...response, body, headers: { ...response.headers, 'x-amz-crc32': String(crc32(body)) } };
        },
      });
      client = new DynamoDBClient({ endpoint: url, region: context.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
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
          attributes: {
            Arn: described?.attributes.Arn ?? '',
            ...(Table?.LatestStreamArn ? { StreamArn: fromDynamoDbLocal(Table.LatestStreamArn, context.region) } : {}),
          },
        });
        context.log(`table ${tableName}${Table?.LatestStreamArn ? ' (stream)' : ''}`);
      },
    },
    async stop() {
      client?.destroy();
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

/**
 * DynamoDB Local fails every write (500 InternalFailure) to a table while a new global secondary
 * index is CREATING; AWS takes writes all along. So an UpdateTable that creates an index is answered
 * (as AWS answers it, CREATING) once DynamoDB Local has the index ready.
 */
async function indexesWritable(client: DynamoDBClient, response: { body?: string | Buffer }): Promise<void> {
  const answer = JSON.parse(String(response.body ?? '{}')) as {
    TableDescription?: { TableName?: string; GlobalSecondaryIndexes?: Array<{ IndexStatus?: string }> };
  };
  const TableName = answer.TableDescription?.TableName;
  if (!TableName || !answer.TableDescription?.GlobalSecondaryIndexes?.some((index) => index.IndexStatus === 'CREATING')) return;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    if (!Table?.GlobalSecondaryIndexes?.some((index) => index.IndexStatus === 'CREATING')) return;
    await sleep(50);
  }
}
