import { type ApiRow, toWeek, type Week } from './prices';

/** A row the service will not store, with the reason for the log: it never blocks the other weeks. */
export interface RejectedRow {
  date: string;
  reason: string;
}

/**
 * NYSERDA dates each week by its Monday and publishes it that day or the next, so no real week is
 * dated after today; a day of slack covers the dataset's New York time against UTC.
 */
export const PUBLICATION_LAG_MS = 24 * 3_600_000;

/** YYYY-MM-DD of a real calendar day ("2017-13-99" and "2017-02-30" are not). */
export function isCalendarDate(day: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === day;
}

const samePrices = (a: Week, b: Week) => JSON.stringify(Object.entries(a.prices).sort()) === JSON.stringify(Object.entries(b.prices).sort());

/**
 * The API's rows as weeks in date order, each validated on its own: a row with a price that is not a
 * price, a date that is not a day, or a week after the publication lag is rejected alone. Two rows
 * for one week are one week when they agree, and both rejected when they differ (which one is right
 * cannot be told); either way the other weeks are kept.
 */
export function readWeeks(rows: readonly ApiRow[], now: number): { weeks: Week[]; rejected: RejectedRow[]; merged: string[] } {
  const rejected: RejectedRow[] = [];
  const byWeek = new Map<string, Week>();
  const conflicting = new Set<string>();
  const merged: string[] = [];
  for (const row of rows) {
    const day = row.date.slice(0, 10);
    let week: Week;
    try {
      week = toWeek(row);
    } catch (error) {
      rejected.push({ date: row.date, reason: (error as Error).message });
      continue;
    }
    if (!isCalendarDate(day)) rejected.push({ date: row.date, reason: `${row.date} is not a calendar date` });
    else if (Date.parse(`${day}T00:00:00Z`) > now + PUBLICATION_LAG_MS) rejected.push({ date: row.date, reason: `${day} is a week in the future` });
    else {
      const seen = byWeek.get(day);
      if (!seen) byWeek.set(day, week);
      else if (samePrices(seen, week)) merged.push(day);
      else conflicting.add(day);
    }
  }
  for (const day of conflicting) {
    byWeek.delete(day);
    rejected.push({ date: day, reason: `the API sent different rows for the week of ${day}; neither is stored` });
  }
  return { weeks: [...byWeek.values()].sort((a, b) => a.week.localeCompare(b.week)), rejected, merged };
}
