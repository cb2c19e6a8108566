import {
  ConfirmSubscriptionCommand,
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  type SNSClient,
  SubscribeCommand,
  type Subscription,
} from '@aws-sdk/client-sns';
import type { CloudContext } from '../../context';
import type { AwsResponse } from '../../operations';
import { xmlText } from '../../xml';
import { mailFromAws } from '../ses/awsMail';

/** Protocols whose endpoint must confirm a subscription before SNS delivers to it (http and https are not emulated). */
const CONFIRMED_BY_RECIPIENT = new Set(['email', 'email-json', 'http', 'https']);

/**
 * Subscriptions as SNS keeps them, over fauxqs (which confirms only SQS subscriptions itself). As in
 * AWS, a same-account Lambda or SQS subscription is confirmed at once; an email subscription waits
 * for its recipient to open the link in the confirmation email SNS sends, and nothing is delivered to
 * it until then. The confirmation token is fauxqs's subscription ARN, so `aws sns
 * confirm-subscription --token` works as well as the link.
 */
export class SnsSubscriptions {
  constructor(
    private readonly context: CloudContext,
    private readonly sns: SNSClient,
  ) {
    context.endpoint.localAction('GET', /^\/_local\/sns\/confirm$/, (_match, _body, query) => this.confirmFromLink(query));
  }

  /** Subscribes an endpoint (a template's subscription); the confirmation email goes out as in AWS. */
  async subscribe(topicArn: string, subscription: { Protocol: string; Endpoint: string }): Promise<string> {
    const { SubscriptionArn = '' } = await this.sns.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: subscription.Protocol, Endpoint: subscription.Endpoint, ReturnSubscriptionArn: true }),
    );
    await this.subscribed({ SubscriptionArn, TopicArn: topicArn, Protocol: subscription.Protocol, Endpoint: subscription.Endpoint });
    return SubscriptionArn;
  }

  /** After a subscription is made (by a template or a Subscribe call): confirm it or ask its recipient to. */
  async subscribed(subscription: Subscription): Promise<void> {
    const { SubscriptionArn = '', TopicArn = '', Protocol = '', Endpoint = '' } = subscription;
    if (!CONFIRMED_BY_RECIPIENT.has(Protocol)) {
      await this.sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: SubscriptionArn }));
      return;
    }
    if (!(await this.isPending(SubscriptionArn))) return;
    if (Protocol === 'email' || Protocol === 'email-json') await this.mailConfirmation(TopicArn, Endpoint, SubscriptionArn, Protocol === 'email-json');
    else this.context.log(`sns: ${Protocol} subscription ${SubscriptionArn} stays pending: the local cloud does not call ${Endpoint}`);
  }

  async isPending(subscriptionArn: string): Promise<boolean> {
    return (await this.attributesOf(subscriptionArn)).PendingConfirmation === 'true';
  }

  private async attributesOf(subscriptionArn: string): Promise<Record<string, string>> {
    const { Attributes = {} } = await this.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }));
    return Attributes;
  }

  /**
   * The topic's subscriptions SNS delivers to, every one its endpoint has confirmed, with their
   * attributes (the filter policy); only those of the protocols asked for (their attributes are one
   * call each, on every publish).
   */
  async confirmedOf(topicArn: string, protocols: ReadonlySet<string>): Promise<Array<{ subscription: Subscription; attributes: Record<string, string> }>> {
    const confirmed: Array<{ subscription: Subscription; attributes: Record<string, string> }> = [];
    let NextToken: string | undefined;
    do {
      const page = await this.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }));
      for (const subscription of page.Subscriptions ?? []) {
        if (!protocols.has(subscription.Protocol ?? '')) continue;
        const attributes = await this.attributesOf(subscription.SubscriptionArn ?? '');
        if (attributes.PendingConfirmation !== 'true') confirmed.push({ subscription, attributes });
      }
      NextToken = page.NextToken;
    } while (NextToken);
    return confirmed;
  }

  /**
   * A list of subscriptions as AWS answers it: one still waiting for its recipient shows
   * `PendingConfirmation` instead of an ARN (fauxqs shows the ARN). Also for a Subscribe answer, which
   * AWS gives as `pending confirmation` unless the caller asked for the ARN.
   */
  async asAwsAnswers(action: string, response: AwsResponse, returnArn: boolean): Promise<AwsResponse> {
    if (response.status !== 200) return response;
    const xml = String(response.body ?? '');
    if (action === 'Subscribe') {
      const arn = /<SubscriptionArn>([^<]+)<\/SubscriptionArn>/.exec(xml)?.[1] ?? '';
      if (returnArn || !arn || !(await this.isPending(xmlText(arn)))) return response;
      return { ...response, body: xml.replace(`<SubscriptionArn>${arn}</SubscriptionArn>`, '<SubscriptionArn>pending confirmation</SubscriptionArn>') };
    }
    let body = xml;
    for (const [member, arn = '', protocol = ''] of xml.matchAll(
      /<member>\s*<SubscriptionArn>([^<]+)<\/SubscriptionArn>[\s\S]*?<Protocol>([^<]+)<\/Protocol>[\s\S]*?<\/member>/g,
    )) {
      if (CONFIRMED_BY_RECIPIENT.has(protocol) && (await this.isPending(xmlText(arn))))
        body = body.replace(member, member.replace(`<SubscriptionArn>${arn}</SubscriptionArn>`, '<SubscriptionArn>PendingConfirmation</SubscriptionArn>'));
    }
    return { ...response, body };
  }

  /** The link in the confirmation email (AWS's confirmation page), which confirms the subscription. */
  private async confirmFromLink(query: URLSearchParams): Promise<AwsResponse> {
    const text = (status: number, body: string) => ({ status, headers: { 'content-type': 'text/plain' }, body });
    const TopicArn = query.get('TopicArn') ?? '';
    const Token = query.get('Token') ?? '';
    try {
      const { SubscriptionArn } = await this.sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token }));
      return text(200, `Subscription confirmed!\nYou have successfully subscribed.\nYour subscription's id is:\n${SubscriptionArn}\n`);
    } catch (error) {
      return text(400, `The subscription could not be confirmed: ${(error as Error).message}\n`);
    }
  }

  /** What SNS sends a new email or email-json subscriber. */
  private async mailConfirmation(topicArn: string, to: string, token: string, asJson: boolean): Promise<void> {
    const url = `${this.context.endpoint.url}/_local/sns/confirm?${new URLSearchParams({ TopicArn: topicArn, Token: token, Endpoint: to })}`;
    const text = asJson
      ? JSON.stringify({
          Type: 'SubscriptionConfirmation',
          MessageId: crypto.randomUUID(),
          Token: token,
          TopicArn: topicArn,
          Message: `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
          SubscribeURL: url,
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: 'local',
          SigningCertURL: `${this.context.endpoint.url}/_local/sns/cert.pem`,
        })
      : `You have chosen to subscribe to the topic: \n${topicArn}\n\nTo confirm this subscription, click or visit the link below (If this was in error no action is necessary): \n${url}\n\nPlease do not reply directly to this email. If you wish to remove yourself from receiving all future SNS subscription confirmation requests please send an email to sns-opt-out`;
    await mailFromAws(this.context, {
      from: 'AWS Notifications <no-reply@sns.amazonaws.com>',
      to,
      subject: 'AWS Notification - Subscription Confirmation',
      text,
    });
  }
}
