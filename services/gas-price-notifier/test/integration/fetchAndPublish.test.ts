// The two handlers in process against the local cloud's DynamoDB, SNS and the data.ny.gov stand-in:
// failures of the API store nothing, a redelivered record publishes nothing new, a failed publish retries.

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { injectFault, lambdaContext, useFunctionEnvironment, waitUntilQuiet } from '@zero-idle/local-cloud/testing';
import { ALERT_LEASE_MS } from '../../src/domain/alerts';
import { alertsFor, api, db, givenConfirmedSubscriber, givenNoStoredWeeks, row, sample, store, TABLE, waitFor } from '../support/prices';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;
let fetchPrices: Handler;
let publishDrops: Handler;
const context = lambdaContext('gas-price-notifier-dev-fetchPrices');
const scheduledEvent = { version: '0', 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };
const logs: string[] = [];

beforeAll(givenConfirmedSubscriber);

beforeAll(async () => {
  await useFunctionEnvironment('gas-price-notifier-dev-fetchPrices');
  await useFunctionEnvironment('gas-price-notifier-dev-publishDrops');
  // Short timeouts and two attempts keep the failure cases quick; the logic is the deployed one.
  Object.assign(process.env, { FETCH_TIMEOUT_MS: '300', FETCH_ATTEMPTS: '2' });
  fetchPrices = (await import('../../src/handlers/fetchPrices')).handler as unknown as Handler;
  publishDrops = (await import('../../src/handlers/publishDrops')).handler as unknown as Handler;
  jest.spyOn(process.stdout, 'write').mockImplementation((line) => {
    logs.push(String(line));
    return true;
  });
});

beforeEach(async () => {
  await givenNoStoredWeeks();
  await api().reset();
  logs.length = 0;
});

describe('fetchPrices', () => {
  it('stores the weeks it has not stored yet, and only those', async () => {
    await expect(fetchPrices(scheduledEvent, context)).resolves.toMatchObject({ received: 10, stored: 10, newWeeks: [] });
    await api().setRows('nqur-w4p7', [row('2025-01-05', { new_york_state_average_gal: '2.50' }), ...sample]);
    await expect(fetchPrices(scheduledEvent, context)).resolves.toMatchObject({ received: 10, stored: 1, newWeeks: ['2025-01-05'] });
    await expect(fetchPrices(scheduledEvent, context)).resolves.toMatchObject({ stored: 0, newWeeks: [] });
  });

  it.each([
    ['the API answers 500', { status: 500, body: '{"message":"internal error"}' }, 'HTTP 500'],
    ['the API is too slow', { delayMs: 1_000 }, 'no answer within 300 ms'],
    ['the API sends something that is not JSON', { status: 200, body: '<html>maintenance</html>' }, 'not JSON'],
    ['the API sends JSON of another shape', { status: 200, body: '[{"date":5}]' }, 'unexpected data'],
  ])('stores nothing and fails loudly when %s, and the next run recovers', async (_case, fault, message) => {
    await api().fault({ ...fault, count: 2 });
    await expect(fetchPrices(scheduledEvent, context)).rejects.toThrow(message);
    expect(await store.latestWeek()).toBeUndefined();
    const line = JSON.parse(logs.find((entry) => entry.includes('"outcome":"error"')) ?? '{}') as { error?: { name: string; message: string } };
    expect(line.error).toMatchObject({ name: 'PriceApiError', message: expect.stringContaining('failed 2 times') });
    await expect(fetchPrices(scheduledEvent, context)).resolves.toMatchObject({ stored: 10 });
  });

  it('retries a failed attempt within the same run', async () => {
    await api().fault({ status: 503, count: 1 });
    await expect(fetchPrices(scheduledEvent, context)).resolves.toMatchObject({ attempts: 2, stored: 10 });
  });
});

describe('publishDrops', () => {
  it('publishes a week once however often its record is delivered', async () => {
    await fetchPrices(scheduledEvent, context);
    await api().setRows('nqur-w4p7', [row('2025-02-02', { new_york_state_average_gal: '2.40' }), ...sample]);
    await fetchPrices(scheduledEvent, context);
    // The real stream delivers it once; deliver the same record twice more.
    await waitFor(
      () => alertsFor('2025-02-02'),
      (found) => found.length > 0,
    );
    const week = await store.latestWeek();
    const record = {
      eventName: 'INSERT',
      dynamodb: {
        SequenceNumber: '990000000000000000001',
        NewImage: {
          week: { S: '2025-02-02' },
          kind: { S: 'WEEK' },
          origin: { S: 'fetch' },
          prices: { M: { new_york_state_average_gal: { N: String(week?.prices.new_york_state_average_gal) } } },
        },
      },
    };
    await expect(publishDrops({ Records: [record] }, context)).resolves.toEqual({ batchItemFailures: [] });
    await expect(publishDrops({ Records: [record] }, context)).resolves.toEqual({ batchItemFailures: [] });
    // The deployed publishDrops got the real stream's record too: wait until it has run.
    await waitUntilQuiet(['gas-price-notifier-dev-publishDrops']);
    expect(await alertsFor('2025-02-02')).toHaveLength(1);
  });

  it('retries a publish SNS refused, and the alert arrives once', async () => {
    await fetchPrices(scheduledEvent, context);
    // Three failures: the SDK's own attempts for one invocation; the stream then redelivers the record.
    await injectFault({ service: 'sns', action: 'Publish', match: '2025-03-01', count: 3, status: 500, code: 'InternalError', message: 'SNS hiccup' });
    await api().setRows('nqur-w4p7', [row('2025-03-01', { new_york_state_average_gal: '2.30' }), ...sample]);
    await fetchPrices(scheduledEvent, context);
    const alerts = await waitFor(
      () => alertsFor('2025-03-01'),
      (found) => found.length > 0,
      20_000,
    );
    expect(alerts).toHaveLength(1);
  });

  it('sends the alert once on the retry when the invocation that claimed it died', async () => {
    await fetchPrices(scheduledEvent, context);
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
    await api().setRows('nqur-w4p7', [row('2025-04-07', { new_york_state_average_gal: '2.20' }), ...sample]);
    await fetchPrices(scheduledEvent, context);
    const alerts = await waitFor(
      () => alertsFor('2025-04-07'),
      (found) => found.length > 0,
    );
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
    const result = await publishDrops(
      { Records: [{ eventName: 'INSERT', dynamodb: { SequenceNumber: '990000000000000000009', NewImage: { kind: { S: 'WEEK' } } } }] },
      context,
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '990000000000000000009' }] });
  });
});
