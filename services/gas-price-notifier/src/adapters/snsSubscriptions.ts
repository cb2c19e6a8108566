import {
  GetSubscriptionAttributesCommand,
  NotFoundException,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  type SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { AddressRefused, type SubscriptionState, type TopicSubscriptions } from '../domain/ports';

/** The topic's email subscriptions, each with the filter policy of its subscriber's choice. */
export function snsSubscriptions(sns: SNSClient, topicArn: string): TopicSubscriptions {
  return {
    async subscribe(email, filterPolicy) {
      try {
        const { SubscriptionArn = '' } = await sns.send(
          new SubscribeCommand({
            TopicArn: topicArn,
            Protocol: 'email',
            Endpoint: email,
            // The ARN even while pending, so the table can hold it and the policy can be changed.
            ReturnSubscriptionArn: true,
            Attributes: { FilterPolicy: JSON.stringify(filterPolicy), FilterPolicyScope: 'MessageAttributes' },
          }),
        );
        return SubscriptionArn;
      } catch (error) {
        // SNS refuses an address it cannot mail with InvalidParameter naming the endpoint.
        if ((error as Error).name === 'InvalidParameterException' && /Endpoint/i.test((error as Error).message))
          throw new AddressRefused((error as Error).message);
        throw error;
      }
    },
    async setFilterPolicy(subscriptionArn, filterPolicy) {
      await sns.send(
        new SetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: JSON.stringify(filterPolicy) }),
      );
    },
    async stateOf(subscriptionArn): Promise<SubscriptionState> {
      try {
        const { Attributes = {} } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }));
        return Attributes.PendingConfirmation === 'true' ? 'pending' : 'confirmed';
      } catch (error) {
        // Unsubscribed (by its link or the API), or never confirmed in time: SNS no longer has it.
        if (error instanceof NotFoundException) return 'ended';
        throw error;
      }
    },
    async unsubscribe(subscriptionArn) {
      try {
        await sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn }));
      } catch (error) {
        if (!(error instanceof NotFoundException)) throw error;
      }
    },
    async tell(subscriberId, { subject, message }) {
      await sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: subject,
          Message: message,
          MessageAttributes: { subscriber: { DataType: 'String', StringValue: subscriberId } },
        }),
      );
    },
  };
}
