// SNS and SQS through the endpoint (fauxqs behind it), with the deliveries the local cloud adds.

import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from '@jest/globals';
import { clearDenials, denials, local, testCloud, waitForEmails } from '../../src/testing';

const config = () => ({ endpoint: testCloud().endpoint, region: 'us-east-1', credentials: { accessKeyId: 'messagingtest', secretAccessKey: 'x' } });

async function invocations(name: string): Promise<number> {
  return (await local().functions()).find((fn) => fn.name === name)?.invocations ?? 0;
}

describe('SNS and SQS on the local cloud', () => {
  it('delivers a publish to SQS, email and email-json subscribers, and to a Lambda subscriber only with its permission', async () => {
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
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: email }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email-json', Endpoint: jsonEmail }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'lambda', Endpoint: `arn:aws:lambda:us-east-1:000000000000:function:${fn}` }));

    const { MessageId } = await sns.send(new PublishCommand({ TopicArn, Subject: 'Hello subscribers', Message: 'fan me out' }));

    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
    expect(JSON.parse(Messages[0]?.Body ?? '{}')).toMatchObject({ Type: 'Notification', MessageId, TopicArn, Message: 'fan me out' });
    const [plain] = await waitForEmails(email);
    expect(plain).toMatchObject({ subject: 'Hello subscribers', from: expect.stringContaining('no-reply@sns.amazonaws.com') });
    expect(plain?.body.text).toMatch(/^fan me out\n\n--\nIf you wish to stop receiving notifications/);
    const [json] = await waitForEmails(jsonEmail);
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
    expect(await waitForEmails(email, 2, 500)).toHaveLength(1);
    // Refused on purpose, for both messages; the run fails on any refusal left.
    await clearDenials({ caller: 'sns.amazonaws.com', action: 'lambda:InvokeFunction' });
    sns.destroy();
    sqs.destroy();
  });
});
