// Every SQS operation the coverage table lists, through the endpoint with the real SDK v3 client
// (SQS's JSON protocol; the AWS CLI script drives the query protocol).
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  TagQueueCommand,
  UntagQueueCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { testCloud } from '../../../src/testing';
import { clientConfig, expectEveryDeclaredOperationCalled } from '../../support/conformance';

const KEY = 'conformancesqs';
const sqs = new SQSClient(clientConfig(KEY));
const QueueName = `conformance-${Date.now()}`;
let QueueUrl = '';

afterAll(() => sqs.destroy());

describe('SQS through the endpoint, with the SDK', () => {
  it('creates a queue whose URL is on the endpoint, finds, lists, tags and configures it', async () => {
    ({ QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName, Attributes: { VisibilityTimeout: '30' }, tags: { team: 'zero-idle' } })));
    expect(QueueUrl).toBe(`${testCloud().endpoint}/000000000000/${QueueName}`);
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName }))).QueueUrl).toBe(QueueUrl);
    expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: QueueName }))).QueueUrls).toEqual([QueueUrl]);
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { MessageRetentionPeriod: '3600' } }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    expect(Attributes).toMatchObject({ QueueArn: `arn:aws:sqs:us-east-1:000000000000:${QueueName}`, MessageRetentionPeriod: '3600', VisibilityTimeout: '30' });
    await sqs.send(new TagQueueCommand({ QueueUrl, Tags: { stage: 'dev' } }));
    await sqs.send(new UntagQueueCommand({ QueueUrl, TagKeys: ['team'] }));
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags).toEqual({ stage: 'dev' });
  });

  it('sends, receives, hides and deletes messages, one and in batches', async () => {
    const { MessageId } = await sqs.send(
      new SendMessageCommand({ QueueUrl, MessageBody: 'one', MessageAttributes: { kind: { DataType: 'String', StringValue: 'test' } } }),
    );
    const { Successful = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'a', MessageBody: 'two' },
          { Id: 'b', MessageBody: 'three' },
        ],
      }),
    );
    expect(Successful.map((entry) => entry.Id).sort()).toEqual(['a', 'b']);
    const received = [];
    for (let round = 0; round < 5 && received.length < 3; round += 1) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }),
      );
      received.push(...Messages);
    }
    expect(received.map((message) => message.Body).sort()).toEqual(['one', 'three', 'two']);
    expect(received.find((message) => message.MessageId === MessageId)?.MessageAttributes?.kind?.StringValue).toBe('test');
    const [first, second, third] = received;
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: first?.ReceiptHandle, VisibilityTimeout: 0 }));
    await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl, Entries: [{ Id: 'x', ReceiptHandle: second?.ReceiptHandle, VisibilityTimeout: 60 }] }));
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: third?.ReceiptHandle }));
    const { Messages: again = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect(again.map((message) => message.Body)).toEqual([first?.Body]);
    const { Successful: deleted = [] } = await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'y', ReceiptHandle: again[0]?.ReceiptHandle }] }),
    );
    expect(deleted).toHaveLength(1);
  });

  it('refuses an operation it does not emulate at once', async () => {
    await expect(sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl }))).rejects.toMatchObject({
      message: expect.stringContaining('does not emulate sqs ListDeadLetterSourceQueues'),
    });
  });

  it('purges and deletes the queue, and has driven every operation the coverage table lists', async () => {
    await sqs.send(new PurgeQueueCommand({ QueueUrl }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName }))).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
    await expectEveryDeclaredOperationCalled('Amazon SQS', 'sqs', [KEY]);
  });
});
