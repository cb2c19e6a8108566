import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertPublisher } from '../domain/ports';

/** Alerts go to the price-drop topic with the attributes subscribers' filter policies read. */
export function snsAlerts(sns: SNSClient, topicArn: string): AlertPublisher {
  return {
    async publish({ subject, message, attributes }) {
      const { MessageId } = await sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: subject,
          Message: message,
          MessageAttributes: {
            region: { DataType: 'String', StringValue: attributes.region },
            drop: { DataType: 'Number', StringValue: String(attributes.drop) },
            price: { DataType: 'Number', StringValue: String(attributes.price) },
            week: { DataType: 'String', StringValue: attributes.week },
          },
        }),
      );
      return MessageId ?? '';
    },
  };
}
