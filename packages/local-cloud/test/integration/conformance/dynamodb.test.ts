// Every DynamoDB and DynamoDB Streams operation the coverage table lists, driven through the endpoint
// by the real SDK v3 clients (whose parsers reject a wrong shape), with AWS's answers checked.
import {
  BatchExecuteStatementCommand,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateBackupCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ExecuteStatementCommand,
  ExecuteTransactionCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, ListStreamsCommand } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, describe, expect, it } from '@jest/globals';
import { clientConfig, expectEveryDeclaredOperationCalled } from '../../support/conformance';

const KEY = 'conformancedynamodb';
const db = new DynamoDBClient(clientConfig(KEY));
const streams = new DynamoDBStreamsClient(clientConfig(KEY));
const TableName = `conformance-${Date.now()}`;
const S = (value: string) => ({ S: value });

afterAll(() => {
  db.destroy();
  streams.destroy();
});

describe('DynamoDB through the endpoint, with the SDK', () => {
  it('creates, describes, lists and updates a table, its ARNs in the account region', async () => {
    const { TableDescription } = await db.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    // DynamoDB Local says region "ddblocal"; clients, policies and mappings see the account's region.
    expect(TableDescription?.TableArn).toBe(`arn:aws:dynamodb:us-east-1:000000000000:table/${TableName}`);
    expect(TableDescription?.LatestStreamArn).toMatch(new RegExp(`^arn:aws:dynamodb:us-east-1:000000000000:table/${TableName}/stream/`));
    const { Table } = await db.send(new DescribeTableCommand({ TableName }));
    expect(Table).toMatchObject({ TableStatus: 'ACTIVE', TableArn: TableDescription?.TableArn });
    expect((await db.send(new ListTablesCommand({}))).TableNames).toContain(TableName);
    await db.send(
      new UpdateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: 'status', AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [
          { Create: { IndexName: 'byStatus', KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } } },
        ],
      }),
    );
    await db.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } }));
    expect((await db.send(new DescribeTimeToLiveCommand({ TableName }))).TimeToLiveDescription).toMatchObject({ AttributeName: 'expiresAt' });
  });

  it('writes and reads items one by one, in batches, in transactions and in PartiQL', async () => {
    await db.send(new PutItemCommand({ TableName, Item: { pk: S('a'), sk: S('1'), status: S('new') } }));
    await db.send(
      new UpdateItemCommand({
        TableName,
        Key: { pk: S('a'), sk: S('1') },
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': S('seen') },
      }),
    );
    expect((await db.send(new GetItemCommand({ TableName, Key: { pk: S('a'), sk: S('1') } }))).Item?.status).toEqual(S('seen'));
    await db.send(
      new BatchWriteItemCommand({
        RequestItems: { [TableName]: ['2', '3'].map((sk) => ({ PutRequest: { Item: { pk: S('a'), sk: S(sk), status: S('new') } } })) },
      }),
    );
    const { Responses } = await db.send(new BatchGetItemCommand({ RequestItems: { [TableName]: { Keys: [{ pk: S('a'), sk: S('2') }] } } }));
    expect(Responses?.[TableName]).toHaveLength(1);
    await db.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName, Item: { pk: S('b'), sk: S('1') }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Delete: { TableName, Key: { pk: S('a'), sk: S('3') } } },
        ],
      }),
    );
    const { Responses: got = [] } = await db.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName, Key: { pk: S('b'), sk: S('1') } } }] }));
    expect(got[0]?.Item).toEqual({ pk: S('b'), sk: S('1') });
    const { Items = [] } = await db.send(new QueryCommand({ TableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': S('a') } }));
    expect(Items.map((item) => item.sk?.S)).toEqual(['1', '2']);
    expect((await db.send(new ScanCommand({ TableName }))).Count).toBe(3);
    await db.send(new DeleteItemCommand({ TableName, Key: { pk: S('b'), sk: S('1') } }));
    await db.send(new ExecuteStatementCommand({ Statement: `INSERT INTO "${TableName}" VALUE {'pk': 'c', 'sk': '1'}` }));
    const { Responses: batch = [] } = await db.send(
      new BatchExecuteStatementCommand({ Statements: [{ Statement: `SELECT * FROM "${TableName}" WHERE pk = 'c' AND sk = '1'` }] }),
    );
    expect(batch[0]?.Item).toEqual({ pk: S('c'), sk: S('1') });
    await db.send(new ExecuteTransactionCommand({ TransactStatements: [{ Statement: `DELETE FROM "${TableName}" WHERE pk = 'c' AND sk = '1'` }] }));
  });

  it('reads the table stream in the account region', async () => {
    const { Streams = [] } = await streams.send(new ListStreamsCommand({ TableName }));
    const StreamArn = Streams[0]?.StreamArn ?? '';
    expect(StreamArn).toContain(':us-east-1:');
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn }));
    expect(StreamDescription?.StreamArn).toBe(StreamArn);
    const ShardId = StreamDescription?.Shards?.[0]?.ShardId ?? '';
    const { ShardIterator } = await streams.send(new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
    const { Records = [] } = await streams.send(new GetRecordsCommand({ ShardIterator }));
    expect(Records[0]).toMatchObject({ eventName: 'INSERT', eventSource: 'aws:dynamodb', awsRegion: 'us-east-1' });
  });

  it("refuses an operation it does not emulate with DynamoDB's UnknownOperationException", async () => {
    await expect(db.send(new CreateBackupCommand({ TableName, BackupName: 'b' }))).rejects.toMatchObject({
      name: 'UnknownOperationException',
      message: expect.stringContaining('does not emulate dynamodb CreateBackup'),
    });
  });

  it('deletes the table, and has driven every operation the coverage table lists', async () => {
    await db.send(new DeleteTableCommand({ TableName }));
    await expectEveryDeclaredOperationCalled('Amazon DynamoDB', 'dynamodb', [KEY]);
  });
});
