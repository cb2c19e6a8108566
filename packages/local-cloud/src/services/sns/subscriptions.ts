import { randomBytes } from 'node:crypto';
import {
  ConfirmSubscriptionCommand,
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  type SNSClient,
  SubscribeCommand,
  type Subscription,
} from '@aws-sdk/client-sns';
import type { CloudContext } from '../../context';
import { AwsRefusal, type AwsResponse } from '../../operations';
import { persistedPath, readJson, writeJson } from '../../persistence';
import { xmlText } from '../../xml';
import { mailFromAws } from '../ses/awsMail';
import { filterPolicyRefusal, filterPolicyScopeRefusal } from './filterPolicyRules';
import { topicOfSubscription } from './operations';

/** Protocols whose endpoint must confirm a subscription before SNS delivers to it (http and https are not emulated). */
const CONFIRMED_BY_RECIPIENT = new Set(['email', 'email-json', 'http', 'https']);

/** Filter policies per topic, SNS's default quota. */
export const FILTER_POLICIES_PER_TOPIC = 200;

/** The attributes SNS compares as values of their own kind when a Subscribe repeats one (its defaults too). */
const DEFAULTS: Record<string, string> = { RawMessageDelivery: 'false', FilterPolicyScope: 'MessageAttributes' };

/**
 * A filter policy fauxqs never matches (an empty condition list), which it keeps on SQS subscriptions:
 * fauxqs's own SQS fan-out filters otherwise than SNS, so the local cloud delivers to SQS itself.
 */
const FAUXQS_NEVER = JSON.stringify({ 'delivered-by-the-local-cloud': [] });

type Filter = { FilterPolicy?: string; FilterPolicyScope?: string };
type KeptState = { filters: Record<string, Filter>; tokens: Record<string, string> };

/**
 * Subscriptions as SNS keeps them, over fauxqs (which confirms only SQS subscriptions itself). As in
 * AWS, a same-account Lambda or SQS subscription is confirmed at once; an email subscription waits
 * for its recipient to open the link in the confirmation email SNS sends (or to call
 * ConfirmSubscription with the token in it), and nothing is delivered to it until then. Filter
 * policies are kept here, not in fauxqs (see filterPolicy.ts), in a file under --persist.
 */
export class SnsSubscriptions {
  private readonly filters = new Map<string, Filter>();
  /** Confirmation tokens as SNS issues them (288 hex digits), to the subscription each confirms. */
  private readonly tokens = new Map<string, string>();
  /** Under --persist, where the filters and tokens are kept (fauxqs keeps the subscriptions themselves). */
  private readonly file: string | undefined;

  constructor(
    private readonly context: CloudContext,
    private readonly sns: SNSClient,
  ) {
    context.endpoint.localAction('GET', /^\/_local\/sns\/confirm$/, (_match, _body, query) => this.confirmFromLink(query));
    this.file = persistedPath(context, 'sns.json');
    const kept = readJson<KeptState>(this.file);
    for (const [arn, filter] of Object.entries(kept?.filters ?? {})) this.filters.set(arn, filter);
    for (const [token, arn] of Object.entries(kept?.tokens ?? {})) this.tokens.set(token, arn);
  }

  private save(): void {
    writeJson(this.file, { filters: Object.fromEntries(this.filters), tokens: Object.fromEntries(this.tokens) } satisfies KeptState);
  }

  /** After Unsubscribe (or DeleteTopic): its filter and its pending tokens go with it. */
  forget(subscriptionArns: (arn: string) => boolean): void {
    for (const arn of [...this.filters.keys()]) if (subscriptionArns(arn)) this.filters.delete(arn);
    for (const [token, arn] of [...this.tokens]) if (subscriptionArns(arn)) this.tokens.delete(token);
    this.save();
  }

  /**
   * Subscribes an endpoint (a Subscribe call or a template's subscription) as SNS does: the attributes
   * checked, an existing subscription of the same endpoint answered again (refused if an attribute
   * asked for differs), the confirmation email sent (again, if still pending). Answers its ARN.
   */
  async subscribe(
    topicArn: string,
    protocol: string,
    endpoint: string,
    attributes: Record<string, string> = {},
    options: { again?: 'quietly' } = {},
  ): Promise<string> {
    const { FilterPolicy, FilterPolicyScope, ...rest } = attributes;
    const refusal =
      (FilterPolicyScope !== undefined ? filterPolicyScopeRefusal(FilterPolicyScope) : undefined) ??
      (FilterPolicy ? filterPolicyRefusal(FilterPolicy, FilterPolicyScope) : undefined);
    if (refusal) throw new AwsRefusal(400, 'InvalidParameter', `Invalid parameter: Attributes Reason: ${refusal}`);
    const existing = await this.find(topicArn, protocol, endpoint);
    if (FilterPolicy && !existing) await this.refuseBeyondFilterQuota(topicArn, undefined);
    let SubscriptionArn = existing ?? '';
    if (existing) {
      const held = await this.attributesOf(existing);
      if (Object.entries(attributes).some(([name, value]) => same(name, value) !== same(name, held[name] ?? DEFAULTS[name] ?? '')))
        throw new AwsRefusal(400, 'InvalidParameter', 'Invalid parameter: Attributes Reason: Subscription already exists with different attributes');
      if (options.again === 'quietly') return SubscriptionArn;
    } else {
      const Attributes = protocol === 'sqs' ? { ...rest, FilterPolicy: FAUXQS_NEVER } : rest;
      ({ SubscriptionArn = '' } = await this.sns
        .send(new SubscribeCommand({ TopicArn: topicArn, Protocol: protocol, Endpoint: endpoint, Attributes, ReturnSubscriptionArn: true }))
        .catch(asRefusal));
      this.filters.set(SubscriptionArn, { FilterPolicy, FilterPolicyScope });
      this.save();
    }
    await this.subscribed({ SubscriptionArn, TopicArn: topicArn, Protocol: protocol, Endpoint: endpoint });
    return SubscriptionArn;
  }

  private async find(topicArn: string, protocol: string, endpoint: string): Promise<string | undefined> {
    let NextToken: string | undefined;
    do {
      const page = await this.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }));
      const found = page.Subscriptions?.find((s) => s.Protocol === protocol && s.Endpoint === endpoint);
      if (found) return found.SubscriptionArn;
      NextToken = page.NextToken;
    } while (NextToken);
    return undefined;
  }

  /** After a subscription is made: confirm it or ask its recipient to. */
  private async subscribed(subscription: Subscription): Promise<void> {
    const { SubscriptionArn = '', TopicArn = '', Protocol = '', Endpoint = '' } = subscription;
    if (!CONFIRMED_BY_RECIPIENT.has(Protocol)) {
      await this.sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: SubscriptionArn }));
      return;
    }
    if (!(await this.isPending(SubscriptionArn))) return;
    if (Protocol === 'email' || Protocol === 'email-json')
      await this.mailConfirmation(TopicArn, Endpoint, this.tokenFor(SubscriptionArn), Protocol === 'email-json');
    else this.context.log(`sns: ${Protocol} subscription ${SubscriptionArn} stays pending: the local cloud does not call ${Endpoint}`);
  }

  private tokenFor(subscriptionArn: string): string {
    const token = randomBytes(144).toString('hex');
    this.tokens.set(token, subscriptionArn);
    this.save();
    return token;
  }

  /**
   * ConfirmSubscription as SNS answers it: a token not of SNS's shape is "Invalid token"; one SNS did
   * not issue for this topic (or for a subscription since deleted) is "Invalid parameter: Token".
   */
  async confirm(topicArn: string, token: string): Promise<string> {
    if (!/^[0-9a-f]{288}$/.test(token)) throw new AwsRefusal(400, 'InvalidParameter', 'Invalid token');
    const subscriptionArn = this.tokens.get(token);
    if (!subscriptionArn || topicOfSubscription(subscriptionArn) !== topicArn) throw new AwsRefusal(400, 'InvalidParameter', 'Invalid parameter: Token');
    await this.sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: subscriptionArn })).catch(() => {
      throw new AwsRefusal(400, 'InvalidParameter', 'Invalid parameter: Token');
    });
    return subscriptionArn;
  }

  async isPending(subscriptionArn: string): Promise<boolean> {
    return (await this.attributesOf(subscriptionArn)).PendingConfirmation === 'true';
  }

  /** A subscription's attributes as SNS shows them: fauxqs's, with the filter policy kept here. */
  async attributesOf(subscriptionArn: string): Promise<Record<string, string>> {
    const { Attributes = {} } = await this.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn })).catch(asRefusal);
    const { FilterPolicy: _fauxqs, FilterPolicyScope: _scope, ...rest } = Attributes;
    return { ...rest, ...this.filterAttributes(subscriptionArn) };
  }

  /** The FilterPolicy and FilterPolicyScope SNS lists (the scope shows once either was set). */
  filterAttributes(subscriptionArn: string): Record<string, string> {
    const { FilterPolicy, FilterPolicyScope } = this.filters.get(subscriptionArn) ?? {};
    if (!FilterPolicy && !FilterPolicyScope) return {};
    return { ...(FilterPolicy ? { FilterPolicy } : {}), FilterPolicyScope: FilterPolicyScope ?? 'MessageAttributes' };
  }

  /** SetSubscriptionAttributes of FilterPolicy or FilterPolicyScope, checked as SNS checks them. */
  async setFilter(subscriptionArn: string, name: 'FilterPolicy' | 'FilterPolicyScope', value: string): Promise<void> {
    await this.attributesOf(subscriptionArn); // NotFound as AWS, for a subscription that is not there.
    const filter = { ...this.filters.get(subscriptionArn), [name]: value };
    const refusal =
      (name === 'FilterPolicyScope' ? filterPolicyScopeRefusal(value) : undefined) ??
      (filter.FilterPolicy ? filterPolicyRefusal(filter.FilterPolicy, filter.FilterPolicyScope) : undefined);
    if (refusal) throw new AwsRefusal(400, 'InvalidParameter', `Invalid parameter: ${refusal}`);
    if (name === 'FilterPolicy' && value) await this.refuseBeyondFilterQuota(topicOfSubscription(subscriptionArn), subscriptionArn);
    this.filters.set(subscriptionArn, filter);
    this.save();
  }

  /**
   * SNS's default quota, 200 filter policies per topic
   * (https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html): one more
   * is refused with FilterPolicyLimitExceeded, as Subscribe and SetSubscriptionAttributes answer it.
   */
  private async refuseBeyondFilterQuota(topicArn: string, except: string | undefined): Promise<void> {
    let count = 0;
    let NextToken: string | undefined;
    do {
      const page = await this.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn, NextToken }));
      for (const { SubscriptionArn = '' } of page.Subscriptions ?? [])
        if (SubscriptionArn !== except && this.filters.get(SubscriptionArn)?.FilterPolicy) count += 1;
      NextToken = page.NextToken;
    } while (NextToken);
    if (count >= FILTER_POLICIES_PER_TOPIC)
      throw new AwsRefusal(
        403,
        'FilterPolicyLimitExceeded',
        `Filter policy limit exceeded: ${topicArn} has ${FILTER_POLICIES_PER_TOPIC} subscriptions with a filter policy (request a quota increase)`,
      );
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
        const attributes = await this.attributesOf(subscription.SubscriptionArn ?? '').catch(() => undefined);
        if (attributes && attributes.PendingConfirmation !== 'true') confirmed.push({ subscription, attributes });
      }
      NextToken = page.NextToken;
    } while (NextToken);
    return confirmed;
  }

  /** A list of subscriptions as AWS answers it: one still waiting for its recipient shows `PendingConfirmation` instead of an ARN (fauxqs shows the ARN). */
  async asAwsList(response: AwsResponse): Promise<AwsResponse> {
    if (response.status !== 200) return response;
    const xml = String(response.body ?? '');
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
      const SubscriptionArn = await this.confirm(TopicArn, Token);
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

/** An attribute's value as SNS compares it: booleans in any case, a policy as the JSON it means. */
function same(name: string, value: string): string {
  if (name === 'RawMessageDelivery') return value.toLowerCase();
  if (name !== 'FilterPolicy' || !value) return value;
  try {
    return JSON.stringify(JSON.parse(value));
  } catch {
    return value;
  }
}

/** fauxqs's refusal (an SDK error) as the AWS refusal the caller gets. */
function asRefusal(error: { name?: string; message?: string; $metadata?: { httpStatusCode?: number } }): never {
  // The SDK names the error by its exception (NotFoundException); the wire code is NotFound.
  throw new AwsRefusal(error.$metadata?.httpStatusCode ?? 400, (error.name ?? 'InternalError').replace(/Exception$/, ''), error.message ?? '');
}
