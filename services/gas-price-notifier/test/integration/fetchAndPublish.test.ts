// The two handlers in process against the local cloud's DynamoDB, SNS and the data.ny.gov stand-in:
// failures of the API store nothing, a redelivered record publishes nothing new, a failed publish retries.

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { injectFault } from '@zero-idle/local-cloud/testing';
import { ALERT_LEASE_MS } from '../../src/domain/alerts';
import * as given from '../steps/given';
import * as then from '../steps/then';
import { handlersInProcess, inProcess } from '../steps/when';
import { db, store, TABLE } from '../support/prices';

let when: ReturnType<typeof inProcess>;
const logs: string[] = [];
const { row, sample } = given;

beforeAll(given.aConfirmedSubscriber);

beforeAll(async () => {
  // Short timeouts and two attempts keep the failure cases quick; the logic is the deployed one.
  when = inProcess(await handlersInProcess({ FETCH_TIMEOUT_MS: '300', FETCH_ATTEMPTS: '2' }));
  jest.spyOn(process.stdout, 'write').mockImplementation((line) => {
    logs.push(String(line));
    return true;
  });
});

beforeEach(async () => {
  await given.noStoredWeeks();
  await given.theSampleWeeks();
  logs.length = 0;
});

describe('fetchPrices', () => {
  it('stores the weeks it has not stored yet, and only those', async () => {
    await expect(when.theWeeklyFetchRuns()).resolves.toMatchObject({ received: 10, stored: 10, newWeeks: [] });
    await given.theApiServes([row('2025-01-05', { new_york_state_average_gal: '2.50' }), ...sample]);
    await expect(when.theWeeklyFetchRuns()).resolves.toMatchObject({ received: 10, stored: 1, newWeeks: ['2025-01-05'] });
    await expect(when.theWeeklyFetchRuns()).resolves.toMatchObject({ stored: 0, newWeeks: [] });
  });

  it.each([
    ['the API answers 500', { status: 500, body: '{"message":"internal error"}' }, 'HTTP 500'],
    ['the API is too slow', { delayMs: 1_000 }, 'no answer within 300 ms'],
    ['the API sends something that is not JSON', { status: 200, body: '<html>maintenance</html>' }, 'not JSON'],
    ['the API sends JSON of another shape', { status: 200, body: '[{"date":5}]' }, 'unexpected data'],
  ])('stores nothing and fails loudly when %s, and the next run recovers', async (_case, fault, message) => {
    await given.theApiFails({ ...fault, count: 2 });
    await expect(when.theWeeklyFetchRuns()).rejects.toThrow(message);
    expect(await then.latestWeek()).toBeUndefined();
    const line = JSON.parse(logs.find((entry) => entry.includes('"outcome":"error"')) ?? '{}') as { error?: { name: string; message: string } };
    expect(line.error).toMatchObject({ name: 'PriceApiError', message: expect.stringContaining('failed 2 times') });
    await expect(when.theWeeklyFetchRuns()).resolves.toMatchObject({ stored: 10 });
  });

  it('retries a failed attempt within the same run', async () => {
    await given.theApiFails({ status: 503, count: 1 });
    await expect(when.theWeeklyFetchRuns()).resolves.toMatchObject({ attempts: 2, stored: 10 });
  });
});

describe('publishDrops', () => {
  it('publishes a week once however often its record is delivered', async () => {
    await when.theWeeklyFetchRuns();
    await given.theApiServes([row('2025-02-02', { new_york_state_average_gal: '2.40' }), ...sample]);
    await when.theWeeklyFetchRuns();
    // The real stream delivers it once; deliver the same record twice more.
    await then.alertsArrivedFor('2025-02-02');
    const week = await then.latestWeek();
    if (!week) throw new Error('no week stored');
    await expect(when.aFetchedWeekArrives(week, '990000000000000000001')).resolves.toEqual({ batchItemFailures: [] });
    await expect(when.aFetchedWeekArrives(week, '990000000000000000001')).resolves.toEqual({ batchItemFailures: [] });
    // The deployed publishDrops got the real stream's record too: wait until it has run.
    await then.everythingHasRun();
    expect(await then.alertsFor('2025-02-02')).toHaveLength(1);
  });

  it('retries a publish SNS refused, and the alert arrives once', async () => {
    await when.theWeeklyFetchRuns();
    // Three failures: the SDK's own attempts for one invocation; the stream then redelivers the record.
    await injectFault({ service: 'sns', action: 'Publish', match: '2025-03-01', count: 3, status: 500, code: 'InternalError', message: 'SNS hiccup' });
    await given.theApiServes([row('2025-03-01', { new_york_state_average_gal: '2.30' }), ...sample]);
    await when.theWeeklyFetchRuns();
    const alerts = await then.alertsArrivedFor('2025-03-01', 20_000);
    expect(alerts).toHaveLength(1);
  });

  it('sends the alert once on the retry when the invocation that claimed it died', async () => {
    await when.theWeeklyFetchRuns();
    // The dead invocation's marker: claimed a lease ago, never published, never released.
    const claimedAt = Date.now() - ALERT_LEASE_MS - 1_000;
    await db.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: 'ALERT', sk: '2025-04-07#new_york_state_average_gal' },
        UpdateExpression: 'SET kind = :kind, claimState = :claimed, claimToken = :token, leaseUntil = :until, claimedAt = :at',
        ExpressionAttributeValues: {
          ':kind': 'ALERT',
          ':claimed': 'CLAIMED',
          ':token': 'dead-invocation',
          ':until': claimedAt + ALERT_LEASE_MS,
          ':at': claimedAt,
        },
      }),
    );
    await given.theApiServes([row('2025-04-07', { new_york_state_average_gal: '2.20' }), ...sample]);
    await when.theWeeklyFetchRuns();
    const alerts = await then.alertsArrivedFor('2025-04-07');
    expect(alerts).toHaveLength(1);
    expect(await store.alerts.claim({ week: '2025-04-07', region: 'new_york_state_average_gal' }, Date.now())).toMatchObject({
      state: 'done',
      item: { messageId: expect.any(String) },
    });
  });

  it('lets exactly one of many racing invocations hold an alert, round after round', async () => {
    for (let round = 0; round < 25; round += 1) {
      const id = { week: `2025-05-${String(round + 1).padStart(2, '0')}`, region: 'race' };
      const now = Date.now();
      const outcomes = await Promise.all(Array.from({ length: 8 }, () => store.alerts.claim(id, now)));
      expect(outcomes.filter((outcome) => outcome.state === 'claimed')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome.state === 'held')).toHaveLength(7);
      const winner = outcomes.find((outcome) => outcome.state === 'claimed');
      if (winner?.state !== 'claimed') throw new Error('no winner');
      // A loser cannot complete or release the winner's claim.
      await expect(store.alerts.complete(id, 'not-the-token', now)).rejects.toThrow('conditional request failed');
      await store.alerts.release(id, 'not-the-token', 'ignored');
      await store.alerts.complete(id, winner.token, now, { messageId: `m-${round}` });
      await expect(store.alerts.claim(id, now + ALERT_LEASE_MS * 2)).resolves.toMatchObject({ state: 'done' });
    }
  });

  it('reports only the record it could not handle', async () => {
    const result = await when.aRecordArrives({ eventName: 'INSERT', dynamodb: { SequenceNumber: '990000000000000000009', NewImage: { kind: { S: 'WEEK' } } } });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '990000000000000000009' }] });
  });
});
