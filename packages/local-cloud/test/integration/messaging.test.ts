// SNS and SQS through the endpoint (fauxqs behind it), with the deliveries the local cloud adds.

import { randomBytes } from 'node:crypto';
import {
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  type MessageAttributeValue,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
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

  it('holds the quota of 200 filter policies per topic at Subscribe and SetSubscriptionAttributes', async () => {
    // https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html: "By default, you can
    // have up to 200 filter policies per topic"; a Subscribe or SetSubscriptionAttributes beyond it fails.
    const sns = new SNSClient(config());
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `quota-${Date.now()}` }));
    const subscribe = (index: number, FilterPolicy?: string) =>
      sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'lambda',
          Endpoint: `arn:aws:lambda:us-east-1:000000000000:function:quota-${index}`,
          Attributes: FilterPolicy ? { FilterPolicy } : undefined,
          ReturnSubscriptionArn: true,
        }),
      );
    const policy = JSON.stringify({ kind: ['a'] });
    const arns: string[] = [];
    for (let index = 0; index < 200; index += 1) arns.push(String((await subscribe(index, policy)).SubscriptionArn));
    const limit = { name: 'FilterPolicyLimitExceededException', $metadata: { httpStatusCode: 403 } };
    await expect(subscribe(200, policy)).rejects.toMatchObject(limit);
    // Without a policy it is a subscription like any other; giving it one is refused the same way.
    const { SubscriptionArn: plain } = await subscribe(201);
    const setPolicy = (SubscriptionArn: string | undefined, value: string) =>
      sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: value }));
    await expect(setPolicy(plain, policy)).rejects.toMatchObject(limit);
    // A policy replaced counts once; one subscription gone makes room for another.
    await setPolicy(arns[0], JSON.stringify({ kind: ['b'] }));
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: arns[1] }));
    await setPolicy(plain, policy);
    await expect(subscribe(202, policy)).rejects.toMatchObject(limit);
    sns.destroy();
  }, 60_000);

  it('keeps subscriptions as AWS does: idempotent Subscribe, attributes checked, pending ones resent their confirmation, tokens only from the email', async () => {
    const sns = new SNSClient(config());
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `subs-${Date.now()}` }));
    const QueueArn = await policedQueue(TopicArn ?? '');
    // https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html: the same endpoint again is the same subscription,
    // unless an attribute asked for differs (AWS compares only those asked for, defaults included, booleans in any case).
    const subscribe = (Attributes?: Record<string, string>) =>
      sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: QueueArn, Attributes, ReturnSubscriptionArn: true }));
    const { SubscriptionArn } = await subscribe({ RawMessageDelivery: 'True' });
    for (const again of [{ RawMessageDelivery: 'true' }, undefined, {}, { FilterPolicyScope: 'MessageAttributes' }] as Array<
      Record<string, string> | undefined
    >)
      expect((await subscribe(again)).SubscriptionArn).toBe(SubscriptionArn);
    await expect(subscribe({ RawMessageDelivery: 'false', FilterPolicyScope: 'MessageBody' })).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: Attributes Reason: Subscription already exists with different attributes',
    });
    expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions).toHaveLength(1);

    // Filter policies are checked at Subscribe and SetSubscriptionAttributes, as AWS words it.
    const email = `subs-${Date.now()}@example.com`;
    await expect(
      sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: email, Attributes: { FilterPolicy: '{"key":[{"wrong-operator":true}]}' } })),
    ).rejects.toMatchObject({ message: 'Invalid parameter: Attributes Reason: FilterPolicy: Unrecognized match type wrong-operator' });
    const { SubscriptionArn: pending } = await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: email, ReturnSubscriptionArn: true }));
    const set = (AttributeName: string, AttributeValue: string) =>
      sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: pending, AttributeName, AttributeValue }));
    await set('FilterPolicy', '{"store":[{"prefix":"example"}]}');
    await expect(set('FilterPolicyScope', 'RandomValue')).rejects.toMatchObject({
      message: 'Invalid parameter: FilterPolicyScope: Invalid value [RandomValue]. Please use either MessageBody or MessageAttributes',
    });
    await expect(set('FilterPolicy', '{invalidjson}')).rejects.toMatchObject({
      message: expect.stringMatching(/^Invalid parameter: FilterPolicy: failed to parse JSON\./),
    });
    await expect(set('FilterPolicy', '{"a":{"b":["c"]}}')).rejects.toMatchObject({
      message: 'Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy',
    });
    await set('FilterPolicyScope', 'MessageBody');
    const { Attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: pending }));
    expect(Attributes).toMatchObject({ PendingConfirmation: 'true', FilterPolicy: '{"store":[{"prefix":"example"}]}', FilterPolicyScope: 'MessageBody' });
    await expect(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: `${TopicArn}:00000000-0000-0000-0000-000000000000` }))).rejects.toMatchObject(
      {
        name: 'NotFoundException',
      },
    );

    // A Subscribe of a pending email subscription sends its confirmation again; only the emailed token confirms it.
    expect((await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: email }))).SubscriptionArn).toBe('pending confirmation');
    expect((await waitForEmails(email, 2)).map((sent) => sent.subject)).toEqual(Array(2).fill('AWS Notification - Subscription Confirmation'));
    await expect(sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: pending }))).rejects.toMatchObject({ message: 'Invalid token' });
    await expect(sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: randomBytes(144).toString('hex') }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: Token',
    });
    const [mail] = await waitForEmails(email);
    const Token = new URL(/(http:\/\/\S+\/_local\/sns\/confirm\?\S+)/.exec(mail?.body.text ?? '')?.[1] ?? 'http://x').searchParams.get('Token') ?? '';
    expect((await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token }))).SubscriptionArn).toBe(pending);

    // Unsubscribed, the queue gets nothing more.
    await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    await sns.send(new PublishCommand({ TopicArn, Message: 'after unsubscribing' }));
    const sqs = new SQSClient(config());
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: await queueUrlOf(QueueArn), WaitTimeSeconds: 1 }));
    expect(Messages).toEqual([]);
    sns.destroy();
    sqs.destroy();
  });

  // One policy per operator, the same decision for email, SQS and Lambda subscriptions: the documented
  // examples of https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html and its sub-pages.
  const S = (StringValue: string): MessageAttributeValue => ({ DataType: 'String', StringValue });
  const N = (StringValue: string): MessageAttributeValue => ({ DataType: 'Number', StringValue });
  const cases: Array<{
    operator: string;
    policy: unknown;
    scope?: string;
    pass: Array<Record<string, MessageAttributeValue> | object>;
    drop: Array<Record<string, MessageAttributeValue> | object>;
  }> = [
    {
      operator: 'exact',
      policy: { customer_interests: ['rugby', 'tennis'] },
      pass: [{ customer_interests: { DataType: 'String.Array', StringValue: '["rugby","tennis"]' } }],
      drop: [{ customer_interests: S('baseball') }],
    },
    {
      operator: 'anything-but prefix',
      policy: { event: [{ 'anything-but': { prefix: 'order-' } }] },
      pass: [{ event: S('order_number') }],
      drop: [{ event: S('order-cancelled') }, {}],
    },
    {
      operator: 'equals-ignore-case',
      policy: { customer_interests: [{ 'equals-ignore-case': 'tennis' }] },
      pass: [{ customer_interests: S('TENNIS') }],
      drop: [{ customer_interests: S('tennisball') }],
    },
    {
      operator: 'suffix',
      policy: { customer_interests: [{ suffix: 'ball' }] },
      pass: [{ customer_interests: S('baseball') }],
      drop: [{ customer_interests: S('rugby') }],
    },
    {
      operator: 'numeric',
      policy: { price_usd: [{ numeric: ['>', 0, '<=', 150] }] },
      pass: [{ price_usd: N('150') }],
      drop: [{ price_usd: N('150.5') }, { price_usd: S('100') }],
    },
    { operator: 'exists', policy: { store: [{ exists: false }] }, pass: [{ other: S('x') }], drop: [{ store: S('fans') }] },
    { operator: 'cidr', policy: { source_ip: [{ cidr: '10.0.0.0/24' }] }, pass: [{ source_ip: S('10.0.0.255') }], drop: [{ source_ip: S('10.1.1.0') }] },
    {
      operator: '$or',
      policy: { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] },
      pass: [{ source: S('aws.cloudwatch'), namespace: S('AWS/EC2') }],
      drop: [{ source: S('aws.cloudwatch') }],
    },
    {
      operator: 'nested body key',
      scope: 'MessageBody',
      policy: { order: { country: ['CA'] } },
      pass: [{ order: { country: 'CA' } }],
      drop: [{ order: { country: 'FR' } }, { country: 'CA' }],
    },
  ];
  it.each(cases)('filters $operator alike for email, SQS and Lambda subscriptions', async ({ operator, policy, scope, pass, drop }) => {
    const sns = new SNSClient(config());
    const sqs = new SQSClient(config());
    const { TopicArn = '' } = await sns.send(new CreateTopicCommand({ Name: `op-${Date.now()}` }));
    const QueueArn = await policedQueue(TopicArn);
    const email = `op-${Date.now()}@example.com`;
    const fn = 'user-activation-dev-getActivationStatus';
    const Attributes = { FilterPolicy: JSON.stringify(policy), ...(scope ? { FilterPolicyScope: scope } : {}) };
    for (const [Protocol, Endpoint] of [
      ['sqs', QueueArn],
      ['email', email],
      ['lambda', `arn:aws:lambda:us-east-1:000000000000:function:${fn}`],
    ])
      await sns.send(
        new SubscribeCommand({ TopicArn, Protocol, Endpoint, Attributes: Protocol === 'sqs' ? { ...Attributes, RawMessageDelivery: 'true' } : Attributes }),
      );
    await confirmSubscription(email);
    await clearDenials({ caller: 'sns.amazonaws.com', action: 'lambda:InvokeFunction' });
    const publish = (message: object, label: string) =>
      sns.send(
        scope
          ? new PublishCommand({ TopicArn, Subject: label, Message: JSON.stringify({ ...message, label }) })
          : new PublishCommand({ TopicArn, Subject: label, Message: label, MessageAttributes: message as Record<string, MessageAttributeValue> }),
      );
    for (const [index, message] of drop.entries()) await publish(message, `drop ${index}`);
    for (const [index, message] of pass.entries()) await publish(message, `pass ${index}`);
    const expected = pass.map((_, index) => `pass ${index}`);
    await waitForEmails(email, 1 + expected.length);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await waitForEmails(email, 99, 100)).slice(1).map((sent) => sent.subject)).toEqual(expected);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: await queueUrlOf(QueueArn), WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }));
    expect(Messages.map((message) => (scope ? JSON.parse(message.Body ?? '{}').label : message.Body))).toEqual(expected);
    // The function has no permission for SNS: each message its filter lets through is one refused invocation.
    const refused = (await denials({ caller: 'sns.amazonaws.com', action: 'lambda:InvokeFunction' })).filter((denial) => denial.resource.endsWith(fn));
    expect({ operator, lambda: refused.length }).toEqual({ operator, lambda: expected.length });
    await clearDenials({ caller: 'sns.amazonaws.com', action: 'lambda:InvokeFunction' });
    sns.destroy();
    sqs.destroy();
  });
});

/** A new queue whose policy lets the topic send to it, as AWS needs; its ARN. */
async function policedQueue(TopicArn: string): Promise<string> {
  const sqs = new SQSClient(config());
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `q-${Date.now()}-${Math.floor(Math.random() * 1e6)}` }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  const Statement = [
    {
      Effect: 'Allow',
      Principal: { Service: 'sns.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: Attributes?.QueueArn,
      Condition: { ArnEquals: { 'aws:SourceArn': TopicArn } },
    },
  ];
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: JSON.stringify({ Version: '2012-10-17', Statement }) } }));
  sqs.destroy();
  return Attributes?.QueueArn ?? '';
}

async function queueUrlOf(queueArn: string): Promise<string> {
  const sqs = new SQSClient(config());
  const { QueueUrl = '' } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueArn.split(':').pop() }));
  sqs.destroy();
  return QueueUrl;
}
