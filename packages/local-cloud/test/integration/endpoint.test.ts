// The single endpoint of the tests' local cloud: routing by SigV4 service, counters, faults, Lambda Invoke.
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from '@jest/globals';
import { apiCalls, clearDenials, denials, injectFault, local, testCloud } from '../../src/testing';

const scope = (accessKey: string, service: string) =>
  `AWS4-HMAC-SHA256 Credential=${accessKey}/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;

describe('the local endpoint', () => {
  it('serves an SDK client and counts its calls under its access key', async () => {
    const client = new DynamoDBClient({
      endpoint: testCloud().endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'endpointtest', secretAccessKey: 'x' },
    });
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'button-messenger-dev-buttons' }));
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'buttonId', KeyType: 'HASH' }]);
    expect((await apiCalls())['client:endpointtest']).toEqual({ 'dynamodb:DescribeTable': 1 });
    client.destroy();
  });

  it('refuses unsigned requests and services it does not run, with AWS-shaped errors', async () => {
    const unsigned = await fetch(testCloud().endpoint, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationToken');
    const unknown = await fetch(testCloud().endpoint, { method: 'POST', headers: { authorization: scope('x', 'kinesis') }, body: '{}' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownService', message: 'The local cloud has no kinesis service' });
  });

  it('fails exactly the injected number of matching calls, then recovers', async () => {
    await injectFault({ service: 'dynamodb', action: 'DescribeTable', caller: 'client:faulttest', count: 2, status: 400, code: 'ThrottlingException' });
    const call = () =>
      fetch(testCloud().endpoint, {
        method: 'POST',
        headers: {
          authorization: scope('faulttest', 'dynamodb'),
          'x-amz-target': 'DynamoDB_20120810.DescribeTable',
          'content-type': 'application/x-amz-json-1.0',
        },
        body: JSON.stringify({ TableName: 'button-messenger-dev-buttons' }),
      });
    expect((await call()).headers.get('x-amzn-errortype')).toBe('ThrottlingException');
    expect((await call()).status).toBe(400);
    expect((await call()).status).toBe(200);
  });

  it("refuses a function's call its IAM role does not allow, as AWS would", async () => {
    // pressButton may UpdateItem on its table and nothing else.
    const asPressButton = (target: string, body: object) =>
      fetch(testCloud().endpoint, {
        method: 'POST',
        headers: {
          authorization: scope('LOCALBUTTONMESSENGERDEVPRESSBUTTON', 'dynamodb'),
          'x-amz-target': `DynamoDB_20120810.${target}`,
          'content-type': 'application/x-amz-json-1.0',
        },
        body: JSON.stringify(body),
      });
    const scan = await asPressButton('Scan', { TableName: 'button-messenger-dev-buttons' });
    // DynamoDB answers AccessDeniedException with HTTP 400 (its API reference's common errors).
    expect(scan.status).toBe(400);
    expect(await scan.json()).toMatchObject({
      __type: 'AccessDeniedException',
      message: expect.stringContaining(
        'is not authorized to perform: dynamodb:Scan on resource: arn:aws:dynamodb:us-east-1:000000000000:table/button-messenger-dev-buttons',
      ),
    });
    const otherTable = await asPressButton('UpdateItem', {
      TableName: 'user-activation-dev-users',
      Key: { pk: { S: 'x' } },
      UpdateExpression: 'SET a = :a',
      ExpressionAttributeValues: { ':a': { S: '1' } },
    });
    expect(otherTable.status).toBe(400);
    const own = await asPressButton('UpdateItem', {
      TableName: 'button-messenger-dev-buttons',
      Key: { buttonId: { S: 'IAMTEST' } },
      UpdateExpression: 'SET a = :a',
      ExpressionAttributeValues: { ':a': { S: '1' } },
    });
    expect(own.status).toBe(200);
    expect((await denials({ caller: 'button-messenger-dev-pressButton' })).map((denial) => denial.action)).toEqual(['dynamodb:Scan', 'dynamodb:UpdateItem']);
    // These two were on purpose; the test run's teardown fails on any other.
    await clearDenials({ caller: 'button-messenger-dev-pressButton' });
  });

  it('invokes a function through the Lambda Invoke API, reporting handler errors as Lambda does', async () => {
    const invoke = (payload: unknown) =>
      fetch(`${testCloud().endpoint}/2015-03-31/functions/button-messenger-dev-pressButton/invocations`, {
        method: 'POST',
        headers: { authorization: scope('x', 'lambda') },
        body: JSON.stringify(payload),
      });
    const failed = await invoke({ hello: 'world' });
    expect(failed.status).toBe(200);
    expect(failed.headers.get('x-amz-function-error')).toBe('Unhandled');
    expect(await failed.json()).toMatchObject({ errorType: 'EventValidationError', errorMessage: expect.stringContaining('not a button press') });
    const missing = await fetch(`${testCloud().endpoint}/2015-03-31/functions/nope/invocations`, {
      method: 'POST',
      headers: { authorization: scope('x', 'lambda') },
    });
    expect(missing.status).toBe(404);
  });
});

/** The error code of a JSON-protocol answer, or its item. */
const json = async (response: Response) => (await response.json()) as { __type?: string; Item?: Record<string, unknown> };

describe('authorizing every call as IAM would', () => {
  const as = (accessKey: string, service: string, init: { path?: string; method?: string; target?: string; body?: string | object; contentType?: string }) =>
    fetch(`${testCloud().endpoint}${init.path ?? '/'}`, {
      method: init.method ?? 'POST',
      headers: {
        authorization: scope(accessKey, service),
        ...(init.target ? { 'x-amz-target': init.target } : {}),
        'content-type': init.contentType ?? 'application/x-amz-json-1.0',
      },
      body: init.method === 'GET' || init.method === 'HEAD' ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body ?? {}),
    });
  const register = 'LOCALUSERACTIVATIONDEVREGISTER';

  it('performs exactly the operation it authorized: a target naming two operations is refused, and nothing is deleted', async () => {
    const item = { TableName: 'user-activation-dev-users', Key: { pk: { S: 'USER#hostile-target' } } };
    await as('jestintegration', 'dynamodb', {
      target: 'DynamoDB_20120810.PutItem',
      body: { TableName: item.TableName, Item: { pk: item.Key.pk, kept: { S: 'yes' } } },
    });
    // register may PutItem and ConditionCheckItem on the users table, nothing else.
    for (const target of [
      'DynamoDB_20120810.DeleteItem.PutItem',
      'DynamoDB_20120810.PutItem.DeleteItem',
      'DynamoDB_20120810.DeleteItem PutItem',
      'dynamodb_20120810.DeleteItem',
    ]) {
      const hostile = await as(register, 'dynamodb', { target, body: item });
      expect([target, hostile.status, (await json(hostile)).__type]).toEqual([target, 400, 'UnknownOperationException']);
    }
    for (const target of ['DynamoDB_20120810.DeleteItem', 'DynamoDB_20120810.Scan', 'DynamoDB_20120810.DescribeTable']) {
      const refused = await as(register, 'dynamodb', { target, body: { TableName: item.TableName, Key: item.Key } });
      expect([target, refused.status, (await json(refused)).__type]).toEqual([target, 400, 'AccessDeniedException']);
    }
    const read = await as('jestintegration', 'dynamodb', { target: 'DynamoDB_20120810.GetItem', body: item });
    expect((await json(read)).Item?.kept).toEqual({ S: 'yes' });
    expect((await denials({ caller: 'user-activation-dev-register' })).map((denial) => denial.action)).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:Scan',
      'dynamodb:DescribeTable',
    ]);
    await clearDenials({ caller: 'user-activation-dev-register' });
  });

  it("refuses a function's S3, Cognito and IoT calls its role does not allow, each in its service's error shape", async () => {
    // processSubmission may read inbox/ and write submissions/ of the mail bucket.
    const processSubmission = 'LOCALSTORYSUBMISSIONSDEVPROCESSSUBMISSION';
    const read = await as(processSubmission, 's3', { method: 'GET', path: '/story-submissions-dev-mail/submissions/someone-else.txt' });
    expect(read.status).toBe(403);
    expect(await read.text()).toMatch(
      /<Error><Code>AccessDenied<\/Code><Message>User: arn:aws:sts::000000000000:assumed-role\/story-submissions-dev-processSubmission-us-east-1-lambdaRole\/story-submissions-dev-processSubmission is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::story-submissions-dev-mail\/submissions\/someone-else.txt because no identity-based policy allows the action<\/Message>/,
    );
    const list = await as(processSubmission, 's3', { method: 'GET', path: '/story-submissions-dev-mail?list-type=2' });
    expect(list.status).toBe(403);
    // The GraphQL resolver has no Cognito permission at all.
    const pools = await local().userPools();
    const admin = await as('LOCALNANNYBOOKINGDEVGRAPHQL', 'cognito-idp', {
      target: 'AWSCognitoIdentityProviderService.AdminCreateUser',
      contentType: 'application/x-amz-json-1.1',
      body: { UserPoolId: pools[0]?.pool, Username: 'sneaky' },
    });
    expect([admin.status, (await json(admin)).__type]).toEqual([400, 'AccessDeniedException']);
    // pressButton answers IoT; it may not publish.
    const publish = await as('LOCALBUTTONMESSENGERDEVPRESSBUTTON', 'iotdata', { path: '/topics/iotbutton%2FX', body: {} });
    expect([publish.status, (await json(publish)).__type]).toEqual([403, 'ForbiddenException']);
    expect(
      (await denials())
        .filter((denial) => denial.caller.endsWith('processSubmission') || denial.caller.endsWith('graphql') || denial.caller.endsWith('pressButton'))
        .map((d) => d.action),
    ).toEqual(['s3:GetObject', 's3:ListBucket', 'cognito-idp:AdminCreateUser', 'iot:Publish']);
    for (const caller of ['story-submissions-dev-processSubmission', 'nanny-booking-dev-graphql', 'button-messenger-dev-pressButton'])
      await clearDenials({ caller });
  });

  it('answers an operation the local cloud does not serve at once, with a clear error, never by hanging', async () => {
    const ses = await as('jestintegration', 'ses', { body: 'Action=CreateConfigurationSet', contentType: 'application/x-www-form-urlencoded' });
    expect(ses.status).toBe(400);
    expect(await ses.text()).toContain('<Code>InvalidAction</Code><Message>The local SES does not support CreateConfigurationSet');
    const s3 = await as('jestintegration', 's3', { method: 'GET', path: '/story-submissions-dev-mail?website' });
    expect(s3.status).toBe(501);
    const sqs = await as('jestintegration', 'sqs', { target: 'AmazonSQS.FlushEverything', contentType: 'application/x-amz-json-1.0' });
    expect(sqs.status).toBe(400);
  });
});
