// The weekly fetch's use case over in-memory twins: each hostile row is refused alone, with its reason,
// and the real weeks around it are stored. Rows are the sample's real NYSERDA weeks (local/, dataset
// nqur-w4p7 on data.ny.gov), altered one field at a time.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { storeNewWeeks } from '../../src/domain/fetchWeeks';
import type { ApiRow } from '../../src/domain/prices';
import { isCalendarDate } from '../../src/domain/weeks';
import { memoryWeekStore } from '../support/memoryStore';

const sample = JSON.parse(readFileSync(new URL('../../local/ny-gasoline-weekly-2017-q1.json', import.meta.url), 'utf8')) as ApiRow[];
const row = (date: string, prices: Record<string, string | null> = {}): ApiRow => ({ ...sample[0], date: `${date}T00:00:00.000`, ...prices }) as ApiRow;
const NOW = Date.parse('2026-12-03T06:00:00Z');

/** Given the sample stored as history, when the API answers `rows`. */
async function fetchWith(rows: ApiRow[]) {
  const store = memoryWeekStore();
  await storeNewWeeks({ source: { latestWeeks: async () => ({ rows: sample, attempts: 1 }) }, store, clock: { now: () => NOW } });
  const summary = await storeNewWeeks({ source: { latestWeeks: async () => ({ rows, attempts: 1 }) }, store, clock: { now: () => NOW } });
  return { summary, store };
}

describe('storeNewWeeks', () => {
  it('stores the first load as history and a newer week as a fetched one', async () => {
    const { summary, store } = await fetchWith([row('2026-11-30'), ...sample]);
    expect(summary).toMatchObject({ received: 11, stored: 1, newWeeks: ['2026-11-30'], rejected: [] });
    expect(store.weeks.get('2017-03-27')?.origin).toBe('history');
  });

  it.each([
    ['a negative price', { new_york_city_average_gal: '-1' }, 'new_york_city_average_gal is not a price: "-1"'],
    ['zero', { albany_average_gal: '0' }, 'albany_average_gal is not a price: "0"'],
    ['an absurd price', { buffalo_average_gal: '20.01' }, 'buffalo_average_gal is not a price: "20.01"'],
    ['an exponent', { utica_average_gal: '1e3' }, 'utica_average_gal is not a price: "1e3"'],
    ['hexadecimal', { nassau_average_gal: '0x2' }, 'nassau_average_gal is not a price: "0x2"'],
    ['a number instead of a string', { rochester_average_gal: 2.4 as unknown as string }, 'rochester_average_gal is not a price: 2.4'],
  ])('refuses a week with %s in any region, and stores the others', async (_case, prices, reason) => {
    const { summary, store } = await fetchWith([row('2026-11-30', prices), row('2026-11-23'), ...sample]);
    expect(summary.rejected).toEqual([{ date: '2026-11-30T00:00:00.000', reason: expect.stringContaining(reason) }]);
    expect(summary.newWeeks).toEqual(['2026-11-23']);
    expect(store.weeks.has('2026-11-30')).toBe(false);
  });

  it('refuses a week in the future, so the real weeks after it still alert', async () => {
    const { summary, store } = await fetchWith([row('2099-12-31'), row('2026-11-30'), ...sample]);
    expect(summary.rejected).toEqual([{ date: '2099-12-31T00:00:00.000', reason: '2099-12-31 is a week in the future' }]);
    expect(summary.newWeeks).toEqual(['2026-11-30']);
    expect((await store.latestWeek())?.week).toBe('2026-11-30');
  });

  it("allows a day of slack for the dataset's New York dates against UTC", async () => {
    const { summary } = await fetchWith([row('2026-12-04'), row('2026-12-05'), ...sample]);
    expect(summary.newWeeks).toEqual(['2026-12-04']);
    expect(summary.rejected).toEqual([{ date: '2026-12-05T00:00:00.000', reason: '2026-12-05 is a week in the future' }]);
  });

  it.each(['2017-13-99', '2017-02-30', '2017-00-10'])('refuses %s, which is no day', async (day) => {
    const { summary } = await fetchWith([row(day), ...sample]);
    expect(summary.rejected).toEqual([{ date: `${day}T00:00:00.000`, reason: `${day}T00:00:00.000 is not a calendar date` }]);
    expect(summary.stored).toBe(0);
  });

  it('stores a week sent twice alike once', async () => {
    const { summary, store } = await fetchWith([row('2026-11-30'), row('2026-11-30'), ...sample]);
    expect(summary).toMatchObject({ stored: 1, newWeeks: ['2026-11-30'], merged: ['2026-11-30'], rejected: [] });
    expect(store.weeks.has('2026-11-30')).toBe(true);
  });

  it('refuses both rows of a week sent twice with different prices, and stores the other weeks', async () => {
    const rows = [row('2026-11-30', { new_york_state_average_gal: '3.10' }), row('2026-11-30', { new_york_state_average_gal: '3.20' }), row('2026-11-23')];
    const { summary } = await fetchWith([...rows, ...sample]);
    expect(summary.rejected).toEqual([{ date: '2026-11-30', reason: 'the API sent different rows for the week of 2026-11-30; neither is stored' }]);
    expect(summary.newWeeks).toEqual(['2026-11-23']);
  });
});

describe('calendar dates', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2017-03-27', true],
    ['2017-3-27', false],
  ])('%s is a day: %s', (day, expected) => {
    expect(isCalendarDate(day)).toBe(expected);
  });
});
