import type { Clock, Origin, PriceSource, WeekStore } from './ports';
import { type RejectedRow, readWeeks } from './weeks';

export type FetchSummary = {
  attempts: number;
  received: number;
  stored: number;
  newWeeks: string[];
  /** Rows not stored, each with its reason; they block nothing, and a corrected row is stored by a later run. */
  rejected: RejectedRow[];
  /** Weeks the API sent twice, alike, stored once. */
  merged: string[];
};

/**
 * The weekly fetch: the latest weeks from the API, then the weeks not stored yet in one
 * all-or-nothing write. Weeks newer than anything stored are `fetch` weeks (they may alert); the
 * first load and older weeks are `history`. A failure stores nothing and throws; the next run picks
 * up whatever was missed.
 */
export async function storeNewWeeks(deps: { source: PriceSource; store: WeekStore; clock: Clock }): Promise<FetchSummary> {
  const { rows, attempts } = await deps.source.latestWeeks();
  const { weeks, rejected, merged } = readWeeks(rows, deps.clock.now());
  const summary = { attempts, received: rows.length, rejected, merged };
  const first = weeks[0];
  const last = weeks.at(-1);
  if (!first || !last) return { ...summary, stored: 0, newWeeks: [] };
  const latest = await deps.store.latestWeek();
  const already = await deps.store.storedWeeks(first.week, last.week);
  const fresh = weeks
    .filter((week) => !already.has(week.week))
    .map((week) => ({ week, origin: (latest && week.week > latest.week ? 'fetch' : 'history') as Origin }));
  await deps.store.addWeeks(fresh, deps.clock.now());
  return { ...summary, stored: fresh.length, newWeeks: fresh.filter((item) => item.origin === 'fetch').map((item) => item.week.week) };
}
