// The single endpoint of the tests' local cloud: routing by SigV4 service, counters, faults, Lambda Invoke.
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from '@jest/globals';
import { apiCalls, clearDenials, denials, injectFault, testCloud } from '../../src/testing';

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
