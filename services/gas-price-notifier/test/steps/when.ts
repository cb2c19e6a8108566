// When: what happens. The same steps run in process (integration tests: the handler with the event
// the local cloud would send it) or through the local cloud (end to end: the schedule fired).
import { confirmSubscription, events, fireSchedule, type InboxEmail, lambdaContext, testCloud, useFunctionEnvironment } from '@zero-idle/local-cloud/testing';
import type { Week } from '../../src/domain/prices';
import { FETCH, PUBLISH, RULE, store, waitFor } from '../support/prices';
import { linkIn, postJson, site, TOPIC_ARN } from '../support/subscribers';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;
const RULE_ARN = `arn:aws:events:us-east-1:000000000000:rule/${RULE}`;

/** The handlers, loaded in process with the environment the template gives them (and any overrides). */
export async function handlersInProcess(overrides: Record<string, string> = {}) {
  await useFunctionEnvironment(FETCH);
  await useFunctionEnvironment(PUBLISH);
  Object.assign(process.env, overrides);
  return {
    fetchPrices: (await import('../../src/handlers/fetchPrices')).handler as unknown as Handler,
    publishDrops: (await import('../../src/handlers/publishDrops')).handler as unknown as Handler,
  };
}

export function inProcess(handlers: Awaited<ReturnType<typeof handlersInProcess>>) {
  return {
    /** The weekly schedule's event, to fetchPrices; resolves with its summary. */
    theWeeklyFetchRuns: () => handlers.fetchPrices(events.scheduled(RULE_ARN, 'us-east-1'), lambdaContext(FETCH)),
    /** A fetched week's stream record, to publishDrops, as the event source mapping delivers it. */
    aFetchedWeekArrives: (week: Week, sequenceNumber: string) =>
      handlers.publishDrops(
        {
          Records: [
            events.streamRecord({
              eventName: 'INSERT',
              keys: ['pk', 'sk'],
              newImage: { pk: 'WEEK', sk: week.week, kind: 'WEEK', origin: 'fetch', ...week },
              sequenceNumber,
            }),
          ],
        },
        lambdaContext(PUBLISH),
      ),
    aRecordArrives: (record: unknown) => handlers.publishDrops({ Records: [record] }, lambdaContext(PUBLISH)),
  };
}

export const throughTheCloud = {
  /** Fires the weekly schedule, as EventBridge does on Tuesdays. */
  theScheduleFires: () => fireSchedule(RULE),
  /** Fires the weekly schedule and waits until the newest week the API serves is stored. */
  async theWeeklyFetchRuns(newest: string): Promise<void> {
    await fireSchedule(RULE);
    await waitFor(
      () => store.latestWeek(),
      (week) => week?.week === newest,
    );
  },
};

/** A person on the site (its HTTP API), as a browser's form or an app's JSON would ask. */
export const onTheSite = {
  subscribes: (choice: { email: string; regions?: unknown; minDrop?: unknown; below?: unknown }) => postJson('/subscriptions', choice),
  /** Opens the link in SNS's confirmation email in the local inbox, as its recipient does. */
  confirms: (email: string) => confirmSubscription(email, TOPIC_ARN),
  asksForTheirLink: (email: string) => postJson('/manage-links', { email }),
  opens: (link: string, method = 'GET') => fetch(link, { method, headers: { accept: 'application/json' } }),
  /** Follows SNS's own unsubscribe link at the foot of an alert. */
  unsubscribesWithSnsLink: async (alert: InboxEmail | undefined) => fetch(linkIn(alert, `${testCloud().endpoint}/_local/sns/unsubscribe/`)),
  listsRegions: () => fetch(`${site()}/regions`),
  siteUrl: site,
};
