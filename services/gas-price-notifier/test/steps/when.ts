// When: what happens. The same steps run in process (integration tests: the handler with the event
// the local cloud would send it) or through the local cloud (end to end: the schedule fired).
import { events, fireSchedule, lambdaContext, useFunctionEnvironment } from '@zero-idle/local-cloud/testing';
import type { Week } from '../../src/domain/prices';
import { FETCH, PUBLISH, RULE, store, waitFor } from '../support/prices';

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
