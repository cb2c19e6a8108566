// The single endpoint of the tests' local cloud: routing by SigV4 service, counters, faults, Lambda Invoke.
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from '@jest/globals';
import { apiCalls, injectFault, testCloud } from '../../src/testing';

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
