// Every SNS operation the coverage table lists, through the endpoint with the real SDK v3 client.
// Deliveries (confirmation, filter policies, email and Lambda) are in ../messaging.test.ts.
import {
  ConfirmSubscriptionCommand,
  CreatePlatformApplicationCommand,
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTagsForResourceCommand,
  ListTopicsCommand,
  PublishBatchCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SubscribeCommand,
  TagResourceCommand,
  UnsubscribeCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sns';
import { afterAll, describe, expect, it } from '@jest/globals';
import { emailsTo, waitForEmails } from '../../../src/testing';
import { clientConfig, expectEveryDeclaredOperationCalled } from '../../support/conformance';

const KEY = 'conformancesns';
const sns = new SNSClient(clientConfig(KEY));
const Name = `conformance-${Date.now()}`;
const email = `${Name}@example.com`;
let TopicArn = '';

afterAll(() => sns.destroy());

describe('SNS through the endpoint, with the SDK', () => {
  it('creates, lists, configures and tags a topic', async () => {
    ({ TopicArn = '' } = await sns.send(new CreateTopicCommand({ Name })));
    expect(TopicArn).toBe(`arn:aws:sns:us-east-1:000000000000:${Name}`);
    expect((await sns.send(new ListTopicsCommand({}))).Topics).toContainEqual({ TopicArn });
    await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'DisplayName', AttributeValue: 'Conformance' }));
    expect((await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes).toMatchObject({ TopicArn, DisplayName: 'Conformance' });
    await sns.send(new TagResourceCommand({ ResourceArn: TopicArn, Tags: [{ Key: 'team', Value: 'zero-idle' }] }));
    expect((await sns.send(new ListTagsForResourceCommand({ ResourceArn: TopicArn }))).Tags).toEqual([{ Key: 'team', Value: 'zero-idle' }]);
    await sns.send(new UntagResourceCommand({ ResourceArn: TopicArn, TagKeys: ['team'] }));
  });

  it('subscribes an email address that confirms with the token SNS mailed, and publishes to it', async () => {
    expect((await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: email }))).SubscriptionArn).toBe('pending confirmation');
    const [confirmation] = await waitForEmails(email);
    const Token = new URL(/(http:\/\/\S+\/_local\/sns\/confirm\?\S+)/.exec(confirmation?.body.text ?? '')?.[1] ?? 'http://x').searchParams.get('Token') ?? '';
    const { SubscriptionArn = '' } = await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token }));
    expect(SubscriptionArn.startsWith(`${TopicArn}:`)).toBe(true);
    expect((await sns.send(new ListSubscriptionsCommand({}))).Subscriptions).toContainEqual(expect.objectContaining({ SubscriptionArn, Endpoint: email }));
    expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions?.map((s) => s.SubscriptionArn)).toEqual([SubscriptionArn]);
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: '{"kind":["news"]}' }));
    expect((await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes).toMatchObject({
      PendingConfirmation: 'false',
      FilterPolicy: '{"kind":["news"]}',
    });
    const { MessageId } = await sns.send(
      new PublishCommand({ TopicArn, Subject: 'news', Message: 'hello', MessageAttributes: { kind: { DataType: 'String', StringValue: 'news' } } }),
    );
    expect(MessageId).toBeTruthy();
    const { Successful = [] } = await sns.send(
      new PublishBatchCommand({
        TopicArn,
        PublishBatchRequestEntries: [
          { Id: 'a', Subject: 'batched news', Message: 'a', MessageAttributes: { kind: { DataType: 'String', StringValue: 'news' } } },
          { Id: 'b', Subject: 'batched ad', Message: 'b', MessageAttributes: { kind: { DataType: 'String', StringValue: 'ad' } } },
        ],
      }),
    );
    expect(Successful.map((entry) => entry.Id).sort()).toEqual(['a', 'b']);
    await waitForEmails(email, 3);
    expect((await emailsTo(email)).map((sent) => sent.subject)).toEqual(['AWS Notification - Subscription Confirmation', 'news', 'batched news']);
    await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    expect((await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions).toEqual([]);
  });

  it("refuses an operation it does not emulate with the query protocol's InvalidAction", async () => {
    await expect(sns.send(new CreatePlatformApplicationCommand({ Name, Platform: 'GCM', Attributes: {} }))).rejects.toMatchObject({
      name: 'InvalidAction',
      message: expect.stringContaining('does not emulate sns CreatePlatformApplication'),
    });
  });

  it('deletes the topic, and has driven every operation the coverage table lists', async () => {
    await sns.send(new DeleteTopicCommand({ TopicArn }));
    await expectEveryDeclaredOperationCalled('Amazon SNS', 'sns', [KEY]);
  });
});
