// The edges of the local cloud, held where AWS holds them: each size at its limit and one byte over,
// with the status and code the service answers; malformed input a 4xx, never a 500; secrets not
// shown on the unauthenticated /_local routes.
import { IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SNSClient, PublishCommand as SnsPublish } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { LIMITS } from '../../src/limits';
import { local, testCloud } from '../../src/testing';
import { clientConfig } from '../support/conformance';

const KEY = 'limitstest';
const iot = new IoTDataPlaneClient(clientConfig(KEY));
const lambda = new LambdaClient(clientConfig(KEY));
const sns = new SNSClient(clientConfig(KEY));
const sqs = new SQSClient(clientConfig(KEY));
const FUNCTION = 'button-messenger-dev-pressButton';
const press = (body: Buffer | string, path = '/buttons/kitchen/press') =>
  fetch(`${testCloud().httpApi('button-messenger')}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
/** A JSON document of exactly `size` bytes. */
const jsonOf = (size: number) => Buffer.from(`{"x":"${'a'.repeat(size - 8)}"}`);

afterAll(() => {
  iot.destroy();
  lambda.destroy();
  sns.destroy();
  sqs.destroy();
});

describe('the local cloud at AWS limits', () => {
  it("refuses an HTTP API body over API Gateway's 10 MB with 413, and one the 6 MB invoke cannot carry", async () => {
    const over = await press(Buffer.alloc(LIMITS.httpApiPayload + 1, 'a'));
    expect({ status: over.status, body: await over.json() }).toEqual({ status: 413, body: { message: 'Request Entity Too Large' } });
    // Under 10 MB but past what the function's synchronous invoke takes (6 MB): refused the same way.
    expect((await press(Buffer.alloc(7 * 1024 * 1024, 'a'))).status).toBe(413);
    // Well under both: it reaches the function, which answers for itself.
    expect((await press(jsonOf(1024 * 1024))).status).not.toBe(413);
  });

  it('answers a path whose percent-encoding is broken with 400, through API Gateway and the AWS endpoint', async () => {
    const broken = await press('{}', '/buttons/%E0%A4%A/press');
    expect({ status: broken.status, body: await broken.json() }).toEqual({ status: 400, body: { message: 'Bad Request' } });
    const response = await fetch(`${testCloud().endpoint}/2015-03-31/functions/%E0%A4%A/configuration`, {
      headers: { authorization: `AWS4-HMAC-SHA256 Credential=${KEY}/20261203/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=x` },
    });
    expect(response.status).toBe(400);
  });

  it("takes an IoT message of 128 KB and refuses one byte more (IoT Core's message size)", async () => {
    await expect(iot.send(new PublishCommand({ topic: 'limits/nobody', payload: jsonOf(LIMITS.iotMessage) }))).resolves.toBeDefined();
    await expect(iot.send(new PublishCommand({ topic: 'limits/nobody', payload: jsonOf(LIMITS.iotMessage + 1) }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 413 },
    });
  });

  it('accepts a publish whose payload is not JSON, as IoT Core does', async () => {
    await expect(iot.send(new PublishCommand({ topic: 'button/kitchen/press', payload: Buffer.from('\u0000binary') }))).resolves.toBeDefined();
  });

  it("holds Lambda's invoke payloads: 6 MB synchronous, 1 MB asynchronous", async () => {
    const dryRun = (size: number, InvocationType: 'DryRun' | 'Event' = 'DryRun') =>
      lambda.send(new InvokeCommand({ FunctionName: FUNCTION, InvocationType, Payload: jsonOf(size) }));
    await expect(dryRun(LIMITS.lambdaSyncPayload)).resolves.toMatchObject({ StatusCode: 204 });
    await expect(dryRun(LIMITS.lambdaSyncPayload + 1)).rejects.toMatchObject({
      name: 'RequestEntityTooLargeException',
      $metadata: { httpStatusCode: 413 },
    });
    await expect(dryRun(LIMITS.lambdaAsyncPayload + 1, 'Event')).rejects.toMatchObject({ name: 'RequestEntityTooLargeException' });
  });

  it('holds SNS Publish at 256 KB and SQS SendMessage at 1 MiB (fauxqs behind the endpoint)', async () => {
    // https://docs.aws.amazon.com/sns/latest/api/API_Publish.html: up to 256 KB; https://aws.amazon.com/about-aws/whats-new/2025/08/amazon-sqs-max-payload-size-1mib/.
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `limits-${Date.now()}` }));
    await expect(sns.send(new SnsPublish({ TopicArn, Message: 'a'.repeat(256 * 1024) }))).resolves.toHaveProperty('MessageId');
    await expect(sns.send(new SnsPublish({ TopicArn, Message: 'a'.repeat(256 * 1024 + 1) }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `limits-${Date.now()}` }));
    await expect(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'a'.repeat(1024 * 1024) }))).resolves.toHaveProperty('MessageId');
    await expect(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'a'.repeat(1024 * 1024 + 1) }))).rejects.toMatchObject({
      message: expect.stringContaining('Message must be shorter than 1048576 bytes'),
    });
  });

  it('masks secret values on /_local/functions; GetFunctionConfiguration, signed and authorized, has them', async () => {
    const fn = (await local().functions()).find((candidate) => candidate.name === 'user-activation-dev-activate');
    expect(fn?.environment.ACTIVATION_SECRET).toBe('(secret: ask GetFunctionConfiguration)');
    expect(fn?.environment.USERS_TABLE).toBe('user-activation-dev-users');
    const { Environment } = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'user-activation-dev-activate' }));
    expect(Environment?.Variables?.ACTIVATION_SECRET).toBe('local-development-activation-secret-not-for-production');
  });
});
