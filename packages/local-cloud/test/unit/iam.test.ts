import { describe, expect, it } from '@jest/globals';
import type { AwsRequest } from '../../src/endpoint';
import { isAllowed, permissionsFor, type Statement } from '../../src/iam';

const request = (service: string, action: string, body: object | string): AwsRequest => ({
  method: 'POST',
  path: '/',
  query: new URLSearchParams(),
  headers: {},
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  service,
  accessKeyId: 'k',
  caller: 'fn',
  action,
});

describe('permissionsFor', () => {
  it('needs each item action of a DynamoDB transaction on its table', () => {
    expect(
      permissionsFor(
        request('dynamodb', 'TransactWriteItems', {
          TransactItems: [{ Put: { TableName: 'a' } }, { ConditionCheck: { TableName: 'b' } }, { Update: { TableName: 'a' } }],
        }),
        'us-east-1',
      ),
    ).toEqual([
      { action: 'dynamodb:PutItem', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/a' },
      { action: 'dynamodb:ConditionCheckItem', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/b' },
      { action: 'dynamodb:UpdateItem', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/a' },
    ]);
  });

  it('names indexes, queues, topics and sender identities as IAM does', () => {
    expect(permissionsFor(request('dynamodb', 'Query', { TableName: 't', IndexName: 'gsi1' }), 'eu-west-1')).toEqual([
      { action: 'dynamodb:Query', resource: 'arn:aws:dynamodb:eu-west-1:000000000000:table/t/index/gsi1' },
    ]);
    expect(permissionsFor(request('sqs', 'SendMessageBatch', { QueueUrl: 'http://127.0.0.1:4566/000000000000/q' }), 'us-east-1')).toEqual([
      { action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:000000000000:q' },
    ]);
    expect(permissionsFor(request('sns', 'Publish', 'Action=Publish&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3At'), 'us-east-1')).toEqual([
      { action: 'sns:Publish', resource: 'arn:aws:sns:us-east-1:000000000000:t' },
    ]);
    expect(permissionsFor(request('ses', 'SendEmail', { FromEmailAddress: 'Shop <shop@example.com>' }), 'us-east-1')).toEqual([
      { action: 'ses:SendEmail', resource: 'arn:aws:ses:us-east-1:000000000000:identity/shop@example.com' },
    ]);
    expect(permissionsFor(request('iotdata', 'Publish', {}), 'us-east-1')).toBeUndefined();
  });
});

describe('isAllowed', () => {
  const statements: Statement[] = [
    {
      effect: 'Allow',
      actions: ['dynamodb:getitem', 'dynamodb:query'],
      resources: ['arn:aws:dynamodb:us-east-1:000000000000:table/t', 'arn:aws:dynamodb:us-east-1:000000000000:table/t/index/*'],
    },
    { effect: 'Allow', actions: ['sqs:*'], resources: ['*'] },
    { effect: 'Deny', actions: ['sqs:deletequeue'], resources: ['*'] },
  ];

  it('allows matching actions on matching resources, with wildcards, and lets a Deny win', () => {
    expect(isAllowed(statements, { action: 'dynamodb:GetItem', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/t' })).toBe(true);
    expect(isAllowed(statements, { action: 'dynamodb:Query', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/index/gsi1' })).toBe(true);
    expect(isAllowed(statements, { action: 'dynamodb:PutItem', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/t' })).toBe(false);
    expect(isAllowed(statements, { action: 'dynamodb:GetItem', resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/other' })).toBe(false);
    expect(isAllowed(statements, { action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:000000000000:q' })).toBe(true);
    expect(isAllowed(statements, { action: 'sqs:DeleteQueue', resource: 'arn:aws:sqs:us-east-1:000000000000:q' })).toBe(false);
  });
});
