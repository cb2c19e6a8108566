import { createHandler } from '@zero-idle/core';
import * as z from 'zod/mini';
import { required, settings, store } from '../dependencies';
import { toWeek } from '../domain/prices';
import { fetchLatestWeeks } from '../priceApi';
import type { Origin } from '../store';

const apiUrl = required('PRICES_API_URL');

/**
 * The weekly schedule: ask the API for the latest weeks, validate all of it, then store the weeks not
 * stored yet in one all-or-nothing write. Weeks newer than anything stored are `fetch` weeks (they may
 * alert); the first load and older weeks are `history`. A failure stores nothing and fails the
 * invocation (EventBridge retries it); the next run picks up whatever was missed.
 */
export const handler = createHandler({ event: z.looseObject({}) }, async (_event, { log }) => {
  const { rows, attempts } = await fetchLatestWeeks(apiUrl, settings.fetch);
  const weeks = rows.map(toWeek).sort((a, b) => a.week.localeCompare(b.week));
  const first = weeks[0];
  const last = weeks.at(-1);
  if (!first || !last) {
    log({ attempts, received: 0, stored: 0 });
    return { stored: 0 };
  }
  const latest = await store.latestWeek();
  const already = await store.storedWeeks(first.week, last.week);
  const fresh = weeks
    .filter((week) => !already.has(week.week))
    .map((week) => ({ week, origin: (latest && week.week > latest.week ? 'fetch' : 'history') as Origin }));
  await store.addWeeks(fresh, Date.now());
  const summary = {
    attempts,
    received: rows.length,
    stored: fresh.length,
    newWeeks: fresh.filter((item) => item.origin === 'fetch').map((item) => item.week.week),
  };
  log(summary);
  return summary;
});
