import {
  GetSubscriptionAttributesCommand,
  NotFoundException,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  type SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { AddressRefused, type SubscriptionState, SubscriptionsFull, type TopicSubscriptions } from '../domain/ports';

/** The topic's email subscriptions, each with the filter policy of its subscriber's choice. */
export function snsSubscriptions(sns: SNSClient, topicArn: string): TopicSubscriptions {
  return {
    async subscribe(email, filterPolicy) {
      const FilterPolicy = JSON.stringify(filterPolicy);
      const subscribeWith = async (Attributes?: Record<string, string>) =>
        (
          await sns.send(
            // ReturnSubscriptionArn: the ARN even while pending, so the table holds it and the policy can change.
            new SubscribeCommand({ TopicArn: topicArn, Protocol: 'email', Endpoint: email, ReturnSubscriptionArn: true, Attributes }),
          )
        ).SubscriptionArn ?? '';
      try {
        return await subscribeWith({ FilterPolicy, FilterPolicyScope: 'MessageAttributes' });
      } catch (error) {
        const { name, message } = error as Error;
        // SNS refuses an address it cannot mail with InvalidParameter naming the endpoint.
        if (name === 'InvalidParameterException' && /Endpoint|email/i.test(message) && !/Attributes/.test(message)) throw new AddressRefused(message);
        if (name === 'FilterPolicyLimitExceededException') throw new SubscriptionsFull(message);
        if (!(name === 'InvalidParameterException' && /already exists with different attributes/.test(message))) throw error;
      }
      // The address has a subscription the table did not know of (a run that failed after Subscribe):
      // SNS answers its ARN to a Subscribe without attributes, and the policy is set on it.
      const subscriptionArn = await subscribeWith();
      await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn, AttributeName: 'FilterPolicy', AttributeValue: FilterPolicy }));
      return subscriptionArn;
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
