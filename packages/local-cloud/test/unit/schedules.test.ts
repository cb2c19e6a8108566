import { describe, expect, it } from '@jest/globals';
import { parseSchedule } from '../../src/services/events/scheduleExpression';
import { querySocrata } from '../../src/standIns/socrata';

const at = (iso: string) => new Date(iso);

describe('schedule expressions', () => {
  it.each([
    ['cron(0 15 ? * TUE *)', '2026-11-29T10:00:00Z', '2026-12-01T15:00:00.000Z'],
    ['cron(0 15 ? * TUE *)', '2026-12-01T15:00:00Z', '2026-12-08T15:00:00.000Z'],
    ['cron(0 15 ? * 3 *)', '2026-11-29T10:00:00Z', '2026-12-01T15:00:00.000Z'],
    ['cron(*/15 * * * ? *)', '2026-11-29T10:07:00Z', '2026-11-29T10:15:00.000Z'],
    ['cron(0 8 1 JAN,JUL ? *)', '2026-11-29T10:00:00Z', '2027-01-01T08:00:00.000Z'],
    ['cron(30 9 L * ? *)', '2026-02-03T00:00:00Z', '2026-02-28T09:30:00.000Z'],
    ['cron(0 10 ? * MON#2 *)', '2026-11-29T00:00:00Z', '2026-12-14T10:00:00.000Z'],
    ['cron(0 0 1 1 ? 2030)', '2026-11-29T00:00:00Z', '2030-01-01T00:00:00.000Z'],
    ['rate(5 minutes)', '2026-11-29T10:00:00Z', '2026-11-29T10:05:00.000Z'],
    ['rate(1 day)', '2026-11-29T10:00:00Z', '2026-11-30T10:00:00.000Z'],
  ])('%s after %s is %s', (expression, after, next) => {
    expect(parseSchedule(expression).next(at(after)).toISOString()).toBe(next);
  });

  it.each([
    ['cron(* 0 * WED *)', '6 fields'],
    ['cron(* * 0 ? * WED *)', '6 fields'],
    ['cron(0 15 * * TUE *)', 'exactly one of day-of-month and day-of-week must be "?"'],
    ['cron(0 25 * * ? *)', 'outside 0-23'],
    ['rate(1 minutes)', 'AWS wants'],
    ['every tuesday', 'not a schedule expression'],
  ])('rejects %s', (expression, message) => {
    expect(() => parseSchedule(expression)).toThrow(message);
  });
});

describe('the Socrata stand-in query', () => {
  const rows = [
    { date: '2017-01-02T00:00:00.000', price: '2.5' },
    { date: '2017-01-16T00:00:00.000', price: '2.4' },
    { date: '2017-01-09T00:00:00.000', price: null },
  ];

  it('orders, limits, offsets and filters as SoQL does', () => {
    expect(querySocrata(rows, new URLSearchParams({ $order: 'date DESC', $limit: '2' })).map((row) => row.date)).toEqual([
      '2017-01-16T00:00:00.000',
      '2017-01-09T00:00:00.000',
    ]);
    expect(querySocrata(rows, new URLSearchParams({ $order: 'date', $offset: '1' })).map((row) => row.date)).toEqual([
      '2017-01-09T00:00:00.000',
      '2017-01-16T00:00:00.000',
    ]);
    expect(querySocrata(rows, new URLSearchParams({ $where: "date > '2017-01-05' AND price < 2.45" }))).toEqual([rows[1]]);
  });

  it('refuses what it cannot read', () => {
    expect(() => querySocrata(rows, new URLSearchParams({ $where: 'date LIKE x' }))).toThrow('cannot read');
  });
});
