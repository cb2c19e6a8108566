// Each request to the endpoint is parsed into exactly one operation with the IAM permissions AWS's
// Service Authorization Reference gives it; anything that is not one known operation is refused.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { AwsRefusal, type SignedRequest } from '../../src/operations';
import { cognitoOperation } from '../../src/services/cognito/operations';
import { dynamoDbOperation } from '../../src/services/dynamodb/operations';
import { IamCatalog } from '../../src/services/iam/catalog';
import { s3Operation } from '../../src/services/s3/operations';
import { sesOperation } from '../../src/services/ses/operations';
import { snsOperation } from '../../src/services/sns/operations';
import { sqsOperation } from '../../src/services/sqs/operations';

let catalog: IamCatalog;
beforeAll(async () => {
  catalog = await new IamCatalog().load(['dynamodb', 'sqs', 'sns', 'cognito-idp']);
});

const request = (
  service: string,
  options: { method?: string; path?: string; target?: string; body?: object | string; headers?: Record<string, string> } = {},
): SignedRequest => {
  const url = new URL(options.path ?? '/', 'http://localhost');
  return {
    method: options.method ?? 'POST',
    path: url.pathname,
    query: url.searchParams,
    headers: { ...(options.target ? { 'x-amz-target': options.target } : {}), ...(options.headers ?? {}) },
    body: Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body ?? {})),
    service,
    accessKeyId: 'k',
    caller: 'fn',
  };
};
const table = (name: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`;
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof AwsRefusal) return { status: error.status, code: error.code };
    throw error;
  }
  throw new Error('not refused');
};

describe('DynamoDB', () => {
  const dynamo = (target: string, body: object | string) => dynamoDbOperation(request('dynamodb', { target, body }), 'us-east-1', catalog);

  it("needs each transaction item's action on its table, and the batch action on every table", () => {
    const transaction = dynamo('DynamoDB_20120810.TransactWriteItems', {
      TransactItems: [{ Put: { TableName: 'a' } }, { ConditionCheck: { TableName: 'b' } }, { Update: { TableName: 'a' } }],
    });
    expect(transaction.permissions).toEqual([
      { action: 'dynamodb:PutItem', resource: table('a') },
      { action: 'dynamodb:ConditionCheckItem', resource: table('b') },
      { action: 'dynamodb:UpdateItem', resource: table('a') },
    ]);
    expect(dynamo('DynamoDB_20120810.BatchGetItem', { RequestItems: { a: {}, b: {} } }).permissions.map((p) => p.resource)).toEqual([table('a'), table('b')]);
    expect(dynamo('DynamoDB_20120810.Query', { TableName: 't', IndexName: 'gsi1' }).permissions).toEqual([
      { action: 'dynamodb:Query', resource: `${table('t')}/index/gsi1` },
    ]);
    expect(dynamo('DynamoDB_20120810.ListTables', {}).permissions).toEqual([{ action: 'dynamodb:ListTables', resource: '*' }]);
  });

  it('authorizes PartiQL by its verb and GetRecords by the stream its iterator belongs to', () => {
    expect(dynamo('DynamoDB_20120810.ExecuteStatement', { Statement: 'SELECT * FROM "t"."gsi1" WHERE pk = ?' }).permissions).toEqual([
      { action: 'dynamodb:PartiQLSelect', resource: `${table('t')}/index/gsi1` },
    ]);
    expect(dynamo('DynamoDB_20120810.ExecuteStatement', { Statement: "DELETE FROM t WHERE pk = 'x'" }).permissions[0]?.action).toBe('dynamodb:PartiQLDelete');
    // An iterator as the endpoint hands them out (DynamoDB Local's, with the account's region in its ARN).
    const stream = 'arn:aws:dynamodb:us-east-1:000000000000:table/users/stream/2026-12-02T06:57:02.249';
    const read = dynamo('DynamoDBStreams_20120810.GetRecords', { ShardIterator: `${stream}|001|c2hhcmQ=` });
    expect(read.permissions).toEqual([{ action: 'dynamodb:GetRecords', resource: stream }]);
    // DynamoDB Local knows its ARNs by the region name "ddblocal"; item data is left as it is.
    expect(JSON.parse(read.forward?.body?.toString() ?? '{}')).toEqual({ ShardIterator: `${stream.replace('us-east-1', 'ddblocal')}|001|c2hhcmQ=` });
    const put = dynamo('DynamoDB_20120810.PutItem', { TableName: 't', Item: { StreamArn: { S: stream } } });
    expect(JSON.parse(put.forward?.body?.toString() ?? '{}').Item.StreamArn.S).toBe(stream);
  });

  it('refuses a target that is not exactly one known operation, and a body that is not one JSON object', () => {
    // The hostile request of issue 10: authorized as PutItem, performed as DeleteItem.
    expect(refusal(() => dynamo('DynamoDB_20120810.DeleteItem.PutItem', { TableName: 't' }))).toEqual({ status: 400, code: 'UnknownOperationException' });
    expect(refusal(() => dynamo('DynamoDB_20120810.DropEverything', { TableName: 't' }))).toEqual({ status: 400, code: 'UnknownOperationException' });
    expect(refusal(() => dynamo('DynamoDB_20120811.PutItem', { TableName: 't' }))).toEqual({ status: 400, code: 'UnknownOperationException' });
    expect(refusal(() => dynamo(' DynamoDB_20120810.PutItem', { TableName: 't' }))).toEqual({ status: 400, code: 'UnknownOperationException' });
    expect(refusal(() => dynamo('DynamoDB_20120810.PutItem', '{"TableName": "t"'))).toEqual({ status: 400, code: 'SerializationException' });
    expect(refusal(() => dynamo('DynamoDB_20120810.PutItem', '[1]'))).toEqual({ status: 400, code: 'SerializationException' });
    expect(refusal(() => dynamo('DynamoDB_20120810.PutItem', {}))).toEqual({ status: 400, code: 'ValidationException' });
  });

  it('forwards the body as it was read: a duplicate key cannot name another table than the one authorized', () => {
    const operation = dynamo('DynamoDB_20120810.GetItem', '{"TableName": "other", "TableName": "allowed", "Key": {}}');
    expect(operation.permissions).toEqual([{ action: 'dynamodb:GetItem', resource: table('allowed') }]);
    expect(JSON.parse(operation.forward?.body?.toString() ?? '{}')).toEqual({ TableName: 'allowed', Key: {} });
    expect(operation.forward?.headers).toEqual({ 'x-amz-target': 'DynamoDB_20120810.GetItem' });
  });
});

describe('SQS and SNS', () => {
  it('authorizes a batch as its single action, on the queue the URL names, in both protocols', () => {
    const json = sqsOperation(
      request('sqs', { target: 'AmazonSQS.SendMessageBatch', body: { QueueUrl: 'http://127.0.0.1:4566/000000000000/q', Entries: [] } }),
      'us-east-1',
      catalog,
    );
    expect(json.permissions).toEqual([{ action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:000000000000:q' }]);
    const query = sqsOperation(request('sqs', { path: '/000000000000/q', body: 'Action=ReceiveMessage&MaxNumberOfMessages=1' }), 'us-east-1', catalog);
    expect(query.permissions).toEqual([{ action: 'sqs:ReceiveMessage', resource: 'arn:aws:sqs:us-east-1:000000000000:q' }]);
    expect(sqsOperation(request('sqs', { target: 'AmazonSQS.GetQueueUrl', body: { QueueName: 'q' } }), 'us-east-1', catalog).permissions[0]?.resource).toBe(
      'arn:aws:sqs:us-east-1:000000000000:q',
    );
    expect(sqsOperation(request('sqs', { target: 'AmazonSQS.ListQueues', body: {} }), 'us-east-1', catalog).permissions).toEqual([
      { action: 'sqs:ListQueues', resource: '*' },
    ]);
  });

  it('refuses a query request that names its action twice, or an action SQS does not have', () => {
    expect(
      refusal(() =>
        snsOperation(request('sns', { body: 'Action=Publish&Action=DeleteTopic&TopicArn=arn:aws:sns:us-east-1:000000000000:t' }), 'us-east-1', catalog),
      ),
    ).toEqual({
      status: 400,
      code: 'InvalidParameterValue',
    });
    expect(refusal(() => sqsOperation(request('sqs', { target: 'AmazonSQS.Explode', body: {} }), 'us-east-1', catalog))).toEqual({
      status: 400,
      code: 'UnknownOperationException',
    });
  });

  it('authorizes SNS on the topic, a subscription on its topic', () => {
    const topic = 'arn:aws:sns:us-east-1:000000000000:t';
    expect(snsOperation(request('sns', { body: `Action=Publish&TopicArn=${encodeURIComponent(topic)}&Message=x` }), 'us-east-1', catalog).permissions).toEqual([
      { action: 'sns:Publish', resource: topic },
    ]);
    expect(
      snsOperation(request('sns', { body: `Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(`${topic}:8a21d249`)}` }), 'us-east-1', catalog).permissions,
    ).toEqual([{ action: 'sns:Unsubscribe', resource: topic }]);
  });
});

describe('S3', () => {
  const s3 = (method: string, path: string, headers: Record<string, string> = {}, body = '') => s3Operation(request('s3', { method, path, headers, body }));
  const object = (key: string) => `arn:aws:s3:::b/${key}`;

  it('names each operation and the actions AWS documents for it', () => {
    expect(s3('GET', '/b/inbox/a%20b?x-id=GetObject')).toEqual({ name: 'GetObject', permissions: [{ action: 's3:GetObject', resource: object('inbox/a b') }] });
    expect(s3('HEAD', '/b/k').permissions).toEqual([{ action: 's3:GetObject', resource: object('k') }]);
    expect(s3('POST', '/b/k?uploads').permissions).toEqual([{ action: 's3:PutObject', resource: object('k') }]);
    expect(s3('PUT', '/b/k?partNumber=1&uploadId=u').name).toBe('UploadPart');
    expect(s3('PUT', '/b/copy', { 'x-amz-copy-source': '/src/inbox/m' }).permissions).toEqual([
      { action: 's3:GetObject', resource: 'arn:aws:s3:::src/inbox/m' },
      { action: 's3:PutObject', resource: object('copy') },
    ]);
    expect(s3('GET', '/b?list-type=2&prefix=inbox%2F').permissions).toEqual([
      { action: 's3:ListBucket', resource: 'arn:aws:s3:::b', context: { 's3:prefix': 'inbox/' } },
    ]);
    expect(s3('POST', '/b?delete', {}, '<Delete><Object><Key>a</Key></Object><Object><Key>b&amp;c</Key></Object></Delete>').permissions).toEqual([
      { action: 's3:DeleteObject', resource: object('a') },
      { action: 's3:DeleteObject', resource: object('b&c') },
    ]);
    expect(s3('GET', '/').permissions).toEqual([{ action: 's3:ListAllMyBuckets', resource: '*' }]);
  });

  it('refuses what names no operation it serves, or two at once', () => {
    expect(refusal(() => s3('GET', '/b?website'))).toEqual({ status: 501, code: 'NotImplemented' });
    expect(refusal(() => s3('GET', '/b?policy&acl'))).toEqual({ status: 400, code: 'InvalidRequest' });
    expect(refusal(() => s3('GET', '/b/%E0%A4%A'))).toEqual({ status: 400, code: 'InvalidURI' });
  });
});

describe('SES and Cognito', () => {
  it("authorizes sending on the sender's identity, the address or its domain", () => {
    const v2 = sesOperation(request('ses', { path: '/v2/email/outbound-emails', body: { FromEmailAddress: 'Shop <shop@example.com>' } }), 'us-east-1');
    expect(v2.permissions).toEqual([
      {
        action: 'ses:SendEmail',
        resource: 'arn:aws:ses:us-east-1:000000000000:identity/shop@example.com',
        alternatives: ['arn:aws:ses:us-east-1:000000000000:identity/example.com'],
      },
    ]);
    const raw = Buffer.from('From: Editor <editor@stories.example.com>\r\nTo: a@b.c\r\n\r\nhello').toString('base64');
    const v1 = sesOperation(request('ses', { body: `Action=SendRawEmail&RawMessage.Data=${encodeURIComponent(raw)}` }), 'us-east-1');
    expect(v1.permissions[0]?.resource).toBe('arn:aws:ses:us-east-1:000000000000:identity/editor@stories.example.com');
  });

  it('refuses what the local SES cannot answer instead of letting it hang', () => {
    expect(refusal(() => sesOperation(request('ses', { body: 'Action=CreateConfigurationSet' }), 'us-east-1'))).toEqual({ status: 400, code: 'InvalidAction' });
    expect(refusal(() => sesOperation(request('ses', { method: 'GET', path: '/v2/email/configuration-sets' }), 'us-east-1'))).toEqual({
      status: 404,
      code: 'NotFoundException',
    });
  });

  it("lets a user's own Cognito operations through without IAM, and authorizes admin ones on the pool", () => {
    const target = (name: string) => `AWSCognitoIdentityProviderService.${name}`;
    expect(cognitoOperation(request('cognito-idp', { target: target('InitiateAuth'), body: {} }), 'us-east-1', catalog)).toMatchObject({
      unauthenticated: true,
      permissions: [],
    });
    expect(
      cognitoOperation(request('cognito-idp', { target: target('AdminCreateUser'), body: { UserPoolId: 'us-east-1_abc' } }), 'us-east-1', catalog).permissions,
    ).toEqual([{ action: 'cognito-idp:AdminCreateUser', resource: 'arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc' }]);
    expect(refusal(() => cognitoOperation(request('cognito-idp', { target: target('AdminCreateUser'), body: {} }), 'us-east-1', catalog))).toEqual({
      status: 400,
      code: 'InvalidParameterException',
    });
  });
});
