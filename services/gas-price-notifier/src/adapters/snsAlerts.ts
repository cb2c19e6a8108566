import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertPublisher } from '../domain/ports';

/** Alerts go to the price-drop topic; its subscribers get them by email. */
export function snsAlerts(sns: SNSClient, topicArn: string): AlertPublisher {
  return {
    async publish({ subject, message }) {
      const { MessageId } = await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }));
      return MessageId ?? '';
    },
  };
}
