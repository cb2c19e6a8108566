// Subscribers as people are: they subscribe on the site with their own regions and thresholds,
// confirm through SNS's email in the local inbox, and get exactly the alerts their filter policy
// matches; they change the choice by subscribing again, and stop with the personal link or SNS's own.

import { GetSubscriptionAttributesCommand, SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { emailsTo, injectFault } from '@zero-idle/local-cloud/testing';
import * as given from '../steps/given';
import * as then from '../steps/then';
import { onTheSite, throughTheCloud } from '../steps/when';
import { db, TABLE } from '../support/prices';
import { TOPIC_ARN } from '../support/subscribers';

const { row, sample } = given;
const when = { ...throughTheCloud, ...onTheSite };
const LINK_SUBJECT = 'Your gas price alerts: your link to change or stop them';

beforeAll(async () => {
  await given.noStoredWeeks();
  await given.theSampleWeeks();
  // The first load (history) gives the regions; sample[0] is 2017-03-27: Albany 2.31, Buffalo 2.40, NYC 2.58.
  await when.theWeeklyFetchRuns('2017-03-27');
});

/** A new week: the newest sample week's prices, with these changed. */
async function aWeekIsFetched(week: string, prices: Record<string, string>) {
  await given.theApiServes([row(week, prices), ...sample]);
  await when.theWeeklyFetchRuns(week);
  await then.everythingHasRun();
}

const subjects = async (email: string) => (await then.alertsTo(email)).map((alert) => alert.subject.replace(/:.*\(week of /, ' ('));

describe('subscriptions end to end', () => {
  it('lists the regions of the newest week with their prices', async () => {
    const response = await when.listsRegions();
    expect(response.status).toBe(200);
    const { week, regions } = (await response.json()) as { week: string; regions: Array<{ id: string; name: string; price: number }> };
    expect(week).toBe('2017-03-27');
    expect(regions[0]).toEqual({ id: 'new_york_state', name: 'New York State', price: 2.42, week: '2017-03-27' });
    expect(regions.map((region) => region.id)).toEqual(expect.arrayContaining(['albany', 'buffalo', 'new_york_city', 'utica']));
  });

  it('gives three subscribers exactly the alerts they chose: none before confirming, none after stopping', async () => {
    const [ana, ben, cy, dee] = ['ana', 'ben', 'cy', 'dee'].map(given.anAddress) as [string, string, string, string];
    for (const choice of [
      { email: ana, regions: ['albany', 'buffalo'] },
      { email: ben, regions: ['new_york_city'], minDrop: 0.05 },
      { email: cy, regions: ['albany', 'new_york_city'], below: '2.25' },
      { email: dee, regions: ['albany'] }, // never confirms
    ]) {
      const response = await when.subscribes(choice);
      expect({ status: response.status, body: await response.json() }).toMatchObject({ status: 202, body: { status: 'confirmation-sent', state: 'pending' } });
    }

    // Before anyone confirms, a drop reaches none of them.
    await aWeekIsFetched('2024-01-01', { albany_average_gal: '2.30' });
    for (const email of [ana, ben, cy, dee]) expect(await then.alertsTo(email)).toEqual([]);

    for (const email of [ana, ben, cy]) await when.confirms(email);
    // Albany -0.10 to 2.20, Buffalo -0.02, NYC -0.08 to 2.50, Syracuse -0.09 (from the week before: 2.30, 2.40, 2.58, 2.29).
    await aWeekIsFetched('2024-01-08', {
      albany_average_gal: '2.20',
      buffalo_average_gal: '2.38',
      new_york_city_average_gal: '2.50',
      syracuse_average_gal: '2.20',
    });
    expect(await subjects(ana)).toEqual(['Gas price drop in Albany (2024-01-08)', 'Gas price drop in Buffalo (2024-01-08)']);
    expect(await subjects(ben)).toEqual(['Gas price drop in New York City (2024-01-08)']);
    expect(await subjects(cy)).toEqual(['Gas price drop in Albany (2024-01-08)']); // NYC at 2.50 is not below 2.25
    expect(await then.alertsTo(dee)).toEqual([]);
    const alert = (await then.alertsTo(ana))[0];
    expect(alert?.body.text).toContain('previous week (2024-01-01): $2.30 per gallon');
    expect(alert?.body.text).toContain('this week (2024-01-08):     $2.20 per gallon');
    expect(alert?.body.text).toMatch(/To change your regions or thresholds, or to stop these alerts: http:\/\/127\.0\.0\.1:\d+\/manage/);

    // Ben subscribes again with another choice: the same subscription, a new filter policy, and he is told.
    const again = await when.subscribes({ email: ben, regions: ['buffalo'] });
    expect({ status: again.status, body: await again.json() }).toMatchObject({
      status: 200,
      body: { status: 'updated', regions: ['buffalo'], state: 'confirmed' },
    });
    expect(await then.subscriptionsOf(ben)).toHaveLength(1);
    expect(await then.messagesTo(ben, 'Your gas price alerts changed')).toHaveLength(1);

    // Ana stops with her personal link (asked for from the page every alert links to); Cy with SNS's link.
    expect((await when.asksForTheirLink(ana)).status).toBe(202);
    const [linkMail] = await then.messagesTo(ana, LINK_SUBJECT);
    const personal = then.linkIn(linkMail, 'http');
    expect(personal).toMatch(/\/subscriptions\/[A-Za-z0-9_-]{32}$/);
    await expect((await when.opens(personal)).json()).resolves.toMatchObject({ email: ana, regions: ['albany', 'buffalo'], state: 'confirmed' });
    expect((await when.opens(personal, 'DELETE')).status).toBe(200);
    expect((await when.unsubscribesWithSnsLink((await then.alertsTo(cy))[0])).status).toBe(200);

    await aWeekIsFetched('2024-01-15', { albany_average_gal: '2.10', buffalo_average_gal: '2.30', new_york_city_average_gal: '2.45' });
    expect(await subjects(ana)).toHaveLength(2);
    expect(await subjects(cy)).toHaveLength(1);
    expect(await subjects(ben)).toEqual(['Gas price drop in New York City (2024-01-08)', 'Gas price drop in Buffalo (2024-01-15)']);
    expect(await then.alertsTo(dee)).toEqual([]);
    await expect((await when.opens(personal)).json()).resolves.toMatchObject({ state: 'ended' });
    expect(await then.subscriptionsOf(ana)).toEqual([]);
  });

  it('sends one confirmation email for 20 concurrent subscriptions of one address, and makes one subscription, round after round', async () => {
    for (let round = 0; round < 5; round += 1) {
      const email = given.anAddress(`racer${round}`);
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, index) => when.subscribes({ email, regions: [index % 2 ? 'albany' : 'utica'] }).then((response) => response.status)),
      );
      expect({ round, accepted: answers.filter((status) => status === 202).length, refused: answers.filter((status) => status === 429).length }).toEqual({
        round,
        accepted: 1,
        refused: 19,
      });
      expect(await emailsTo(email)).toHaveLength(1);
      expect(await then.subscriptionsOf(email)).toHaveLength(1);
      // A refused request changed nothing: the winner's choice is the one the table and SNS hold.
      const { Item } = await db.send(new GetCommand({ TableName: TABLE, Key: { pk: `SUBSCRIBER#${email}`, sk: 'SUBSCRIBER' } }));
      const sns = new SNSClient({});
      const { Attributes } = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: String(Item?.subscriptionArn) }));
      sns.destroy();
      expect(Attributes).toMatchObject({ Endpoint: email, PendingConfirmation: 'true' });
      expect(JSON.parse(Attributes?.FilterPolicy ?? '{}').$or[0].region).toEqual(Item?.choice.regions);
    }
  });

  it('answers 400 naming the field for what can never succeed, and stores nothing', async () => {
    const email = given.anAddress('mistake');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ email: 'not-an-address', regions: ['albany'] }, 'Invalid.email'],
      [{ email, regions: ['atlantis'] }, 'Invalid.regions'],
      [{ email, regions: [] }, 'Invalid.regions'],
      [{ email, regions: ['albany'], minDrop: -0.05 }, 'Invalid.minDrop'],
      [{ email, regions: ['albany'], minDrop: 50 }, 'Invalid.minDrop'],
      [{ email, regions: ['albany'], below: 1e9 }, 'Invalid.below'],
    ];
    for (const [body, code] of cases) {
      const response = await when.subscribes(body as { email: string });
      expect({ status: response.status, error: ((await response.json()) as { error: string }).error }).toEqual({ status: 400, error: code });
    }
    // Bodies that are not an object of fields, as a broken client sends them.
    for (const body of ['{oops', 'null', '[1]', '"jo@example.com"']) {
      const response = await fetch(`${when.siteUrl()}/subscriptions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
    }
    const stored = await db.send(new GetCommand({ TableName: TABLE, Key: { pk: `SUBSCRIBER#${email}`, sk: 'SUBSCRIBER' } }));
    expect(stored.Item).toBeUndefined();
    expect(await emailsTo(email)).toEqual([]);
  });

  it('keeps nothing when SNS refuses the subscription, so the next try is not held back an hour', async () => {
    const email = given.anAddress('throttled');
    // Three: the SDK's own retries of a throttled call come first.
    await injectFault({
      service: 'sns',
      action: 'Subscribe',
      match: encodeURIComponent(email),
      count: 3,
      status: 400,
      code: 'Throttling',
      message: 'Rate exceeded',
    });
    expect((await when.subscribes({ email, regions: ['albany'] })).status).toBe(500);
    const stored = await db.send(new GetCommand({ TableName: TABLE, Key: { pk: `SUBSCRIBER#${email}`, sk: 'SUBSCRIBER' } }));
    expect(stored.Item).toBeUndefined();
    expect((await when.subscribes({ email, regions: ['albany'] })).status).toBe(202);
    expect(await then.subscriptionsOf(email)).toHaveLength(1);
  });

  it("answers 503 once the topic holds SNS's quota of 200 filter policies, and keeps nothing", async () => {
    const sns = new SNSClient({});
    const fillers: string[] = [];
    try {
      // Filled with subscriptions that match nothing, until SNS refuses one more (earlier tests' count too).
      for (let index = 0; index <= 200; index += 1) {
        const filler = new SubscribeCommand({
          TopicArn: TOPIC_ARN,
          Protocol: 'lambda',
          Endpoint: `arn:aws:lambda:us-east-1:000000000000:function:quota-filler-${index}`,
          Attributes: { FilterPolicy: JSON.stringify({ region: ['nowhere'] }) },
          ReturnSubscriptionArn: true,
        });
        const outcome = await sns.send(filler).catch((error: Error) => error);
        if (outcome instanceof Error) {
          expect(outcome.name).toBe('FilterPolicyLimitExceededException');
          break;
        }
        fillers.push(String(outcome.SubscriptionArn));
      }
      expect(fillers.length).toBeLessThanOrEqual(200);
      const email = given.anAddress('late');
      const response = await when.subscribes({ email, regions: ['albany'] });
      expect({ status: response.status, error: ((await response.json()) as { error: string }).error }).toEqual({ status: 503, error: 'SubscriptionsFull' });
      const stored = await db.send(new GetCommand({ TableName: TABLE, Key: { pk: `SUBSCRIBER#${email}`, sk: 'SUBSCRIBER' } }));
      expect(stored.Item).toBeUndefined();
      expect(await then.subscriptionsOf(email)).toEqual([]);
    } finally {
      for (const SubscriptionArn of fillers) await sns.send(new UnsubscribeCommand({ SubscriptionArn }));
      sns.destroy();
    }
  }, 60_000);

  it('answers a personal link nobody has with 404, and tells nobody whether an address is subscribed', async () => {
    expect((await when.opens(`${when.siteUrl()}/subscriptions/${'A'.repeat(32)}`)).status).toBe(404);
    expect((await when.opens(`${when.siteUrl()}/subscriptions/short`)).status).toBe(400);
    const unknown = await when.asksForTheirLink(given.anAddress('stranger'));
    expect({ status: unknown.status, body: await unknown.json() }).toEqual({
      status: 202,
      body: { message: 'If this address has a confirmed subscription, its link is on its way (at most one email an hour).' },
    });
  });
});
