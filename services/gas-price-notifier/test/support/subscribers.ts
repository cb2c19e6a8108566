// Subscribers as the tests see them: the site's HTTP API, the local inbox, the topic's subscriptions.
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { emailsTo, type InboxEmail, testCloud } from '@zero-idle/local-cloud/testing';

export const TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:gas-price-notifier-dev-price-drops';
export const site = () => testCloud().httpApi('gas-price-notifier');

/** A fresh address per test, so tests sharing the topic never see each other's mail. */
export const anAddress = (name: string) => `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}@example.com`;

export function postJson(path: string, body: unknown, method = 'POST'): Promise<Response> {
  return fetch(`${site()}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** The alerts (not SNS's confirmations, nor the messages to one subscriber) that reached an address. */
export async function alertsTo(email: string): Promise<InboxEmail[]> {
  return (await emailsTo(email)).filter((mail) => mail.subject.startsWith('Gas price drop in '));
}

/** The first link in an email that starts with this prefix. */
export function linkIn(mail: InboxEmail | undefined, prefix: string): string {
  const found = (mail?.body.text ?? '').split(/\s+/).find((word) => word.startsWith(prefix));
  if (!found) throw new Error(`no ${prefix} link in ${JSON.stringify(mail?.subject)}`);
  return found;
}

/** The topic's subscriptions of one address, as ListSubscriptionsByTopic gives them. */
export async function subscriptionsOf(email: string) {
  const sns = new SNSClient({});
  const found = [];
  let NextToken: string | undefined;
  do {
    const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC_ARN, NextToken }));
    found.push(...(page.Subscriptions ?? []).filter((subscription) => subscription.Endpoint === email));
    NextToken = page.NextToken;
  } while (NextToken);
  sns.destroy();
  return found;
}
