// SNS and SQS through the endpoint (fauxqs behind it), with the deliveries the local cloud adds.

import { CreateTopicCommand, ListSubscriptionsByTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from '@jest/globals';
import { clearDenials, confirmSubscription, denials, local, testCloud, waitForEmails } from '../../src/testing';

const config = () => ({ endpoint: testCloud().endpoint, region: 'us-east-1', credentials: { accessKeyId: 'messagingtest', secretAccessKey: 'x' } });

async function invocations(name: string): Promise<number> {
  return (await local().functions()).find((fn) => fn.name === name)?.invocations ?? 0;
}

describe('SNS and SQS on the local cloud', () => {
  it('delivers a publish to SQS and Lambda subscribers at once, to email subscribers once they confirm, and to a Lambda only with its permission', async () => {
    const sns = new SNSClient(config());
    const sqs = new SQSClient(config());
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `fanout-${Date.now()}` }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `fanout-${Date.now()}` }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const fn = 'user-activation-dev-getActivationStatus';
    const before = await invocations(fn);
    const email = `sns-${Date.now()}@example.com`;
    const jsonEmail = `sns-json-${Date.now()}@example.com`;
    // As in AWS, the queue's policy must let the topic send to it.
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: Attributes?.QueueArn,
          Condition: { ArnEquals: { 'aws:SourceArn': TopicArn } },
        },
      ],
    };
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: JSON.stringify(policy) } }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: `arn:aws:lambda:us-east-1:000000000000:function:${fn}` }));
    // An email subscriber confirms first, as in AWS: the answer, and the topic's list, say it is pending.
    const { SubscriptionArn: pending } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: email }));
    expect(pending).toBe('pending confirmation');
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email-json', Endpoint: jsonEmail }));
    const listed = async () => (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions ?? [];
    expect(Object.fromEntries((await listed()).map((s) => [s.Protocol, s.SubscriptionArn === 'PendingConfirmation']))).toEqual({
      sqs: false,
      lambda: false,
      email: true,
      'email-json': true,
    });
    await sns.send(new PublishCommand({ TopicArn, Message: 'before confirming' }));
    await confirmSubscription(email);
    const [confirmation] = await waitForEmails(jsonEmail);
    expect(JSON.parse(confirmation?.body.text ?? '{}')).toMatchObject({ Type: 'SubscriptionConfirmation', TopicArn, SubscribeURL: expect.any(String) });
    expect((await fetch(JSON.parse(confirmation?.body.text ?? '{}').SubscribeURL)).status).toBe(200);
    expect((await listed()).every((s) => s.SubscriptionArn?.startsWith(`${TopicArn}:`))).toBe(true);
    // What was published before the confirmation went to the queue only.
    const { Messages: early = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
    expect(JSON.parse(early[0]?.Body ?? '{}')).toMatchObject({ Message: 'before confirming' });
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: early[0]?.ReceiptHandle }));

    const { MessageId } = await sns.send(new PublishCommand({ TopicArn, Subject: 'Hello subscribers', Message: 'fan me out' }));

    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
    expect(JSON.parse(Messages[0]?.Body ?? '{}')).toMatchObject({ Type: 'Notification', MessageId, TopicArn, Message: 'fan me out' });
    const plain = (await waitForEmails(email, 2)).find((sent) => sent.subject === 'Hello subscribers');
    expect(plain).toMatchObject({ subject: 'Hello subscribers', from: expect.stringContaining('no-reply@sns.amazonaws.com') });
    expect(plain?.body.text).toMatch(/^fan me out\n\n--\nIf you wish to stop receiving notifications/);
    const [, json] = await waitForEmails(jsonEmail, 2);
    expect(JSON.parse(json?.body.text ?? '{}')).toMatchObject({ Type: 'Notification', MessageId, TopicArn, Subject: 'Hello subscribers' });
    // The function has no AWS::Lambda::Permission for SNS: as in AWS, it is not invoked, and the refusal is listed.
    const deadline = Date.now() + 5_000;
    let refused = await denials({ caller: 'sns.amazonaws.com' });
    while (!refused.some((denial) => denial.resource.endsWith(fn)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      refused = await denials({ caller: 'sns.amazonaws.com' });
    }
    expect(refused.find((denial) => denial.resource.endsWith(fn))?.reason).toBe(
      `User: sns.amazonaws.com is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:${fn} because no resource-based policy allows the action`,
    );
    expect(await invocations(fn)).toBe(before);

    // The link at the foot of the email unsubscribes.
    const unsubscribe = /(http:\/\/\S+\/_local\/sns\/unsubscribe\/\S+)/.exec(plain?.body.text ?? '')?.[1] ?? '';
    expect((await fetch(unsubscribe)).status).toBe(200);
    await sns.send(new PublishCommand({ TopicArn, Message: 'second' }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await waitForEmails(email, 3, 500)).map((sent) => sent.subject)).toEqual(['AWS Notification - Subscription Confirmation', 'Hello subscribers']);
    // Refused on purpose, for both messages; the run fails on any refusal left.
    await clearDenials({ caller: 'sns.amazonaws.com', action: 'lambda:InvokeFunction' });
    sns.destroy();
    sqs.destroy();
  });

  it("applies each subscription's filter policy to email and SQS deliveries alike", async () => {
    const sns = new SNSClient(config());
    const sqs = new SQSClient(config());
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `filtered-${Date.now()}` }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `filtered-${Date.now()}` }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const email = `filtered-${Date.now()}@example.com`;
    // Only drops of 5 cents or more in Albany, as a subscriber of price alerts would ask.
    const FilterPolicy = JSON.stringify({ region: ['albany'], drop: [{ numeric: ['>=', 0.05] }] });
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: email, Attributes: { FilterPolicy } }));
    await sns.send(
      new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn, Attributes: { FilterPolicy, RawMessageDelivery: 'true' } }),
    );
    await confirmSubscription(email);
    const publish = (Message: string, region: string, drop: string) =>
      sns.send(
        new PublishCommand({
          TopicArn,
          Subject: Message,
          Message,
          MessageAttributes: { region: { DataType: 'String', StringValue: region }, drop: { DataType: 'Number', StringValue: drop } },
        }),
      );
    await publish('albany small', 'albany', '0.02');
    await publish('buffalo big', 'buffalo', '0.30');
    await publish('albany big', 'albany', '0.12');

    await waitForEmails(email, 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await waitForEmails(email, 3, 200)).map((sent) => sent.subject)).toEqual(['AWS Notification - Subscription Confirmation', 'albany big']);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2, MaxNumberOfMessages: 10 }));
    expect(Messages.map((message) => message.Body)).toEqual(['albany big']);
    sns.destroy();
    sqs.destroy();
  });
});
