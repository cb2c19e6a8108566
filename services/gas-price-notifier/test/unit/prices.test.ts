import { describe, expect, it } from '@jest/globals';
import { parse } from '@zero-idle/core';
import { alertMessage, apiRows, drops, regionName, toWeek, type Week } from '../../src/domain/prices';

const week = (date: string, prices: Week['prices']): Week => ({ week: date, prices });

describe('API rows', () => {
  it('turns string prices into numbers and keeps missing ones as null', () => {
    const rows = parse(apiRows, [{ date: '2017-03-27T00:00:00.000', new_york_state_average_gal: '2.42', albany_average_gal: null, utica_average_gal: '2.5' }]);
    expect(rows.ok).toBe(true);
    if (!rows.ok) return;
    expect(toWeek(rows.value[0] as never)).toEqual({
      week: '2017-03-27',
      prices: { new_york_state_average_gal: 2.42, albany_average_gal: null, utica_average_gal: 2.5 },
    });
  });

  it.each([
    [[{ date: 'yesterday', new_york_state_average_gal: '2.42' }], 'date must be an ISO timestamp'],
    [[{ date: '2017-03-27T00:00:00.000', new_york_state_average_gal: 'cheap' }], 'a price is a decimal number in a string'],
    [[{ new_york_state_average_gal: '2.42' }], 'date'],
    [{ error: true }, 'expected array'],
  ])('rejects %j', (body, message) => {
    expect(parse(apiRows, body)).toEqual({ ok: false, problems: expect.stringContaining(message) });
  });

  it('refuses a region value that is not a price', () => {
    expect(() => toWeek({ date: '2017-03-27T00:00:00.000', new_york_state_average_gal: '2.4', albany_average_gal: 3 } as never)).toThrow(
      'albany_average_gal is not a price',
    );
  });
});

describe('drops', () => {
  const regions = ['new_york_state_average_gal', 'new_york_city_average_gal'];
  const before = week('2017-03-20', { new_york_state_average_gal: 2.43, new_york_city_average_gal: 2.59 });

  it('finds each configured region whose price fell', () => {
    const found = drops(before, week('2017-03-27', { new_york_state_average_gal: 2.42, new_york_city_average_gal: 2.6 }), regions, 0);
    expect(found).toEqual([
      { week: '2017-03-27', previousWeek: '2017-03-20', region: 'new_york_state_average_gal', previous: 2.43, current: 2.42, change: -0.01, percent: -0.41 },
    ]);
  });

  it('ignores rises, same prices, other regions, nulls and drops below the minimum', () => {
    expect(drops(before, week('2017-03-27', { new_york_state_average_gal: 2.43, new_york_city_average_gal: 2.7 }), regions, 0)).toEqual([]);
    expect(drops(before, week('2017-03-27', { new_york_state_average_gal: null, new_york_city_average_gal: 2.59, albany_average_gal: 1 }), regions, 0)).toEqual(
      [],
    );
    expect(drops(week('x', { new_york_state_average_gal: null }), week('y', { new_york_state_average_gal: 1 }), regions, 0)).toEqual([]);
    expect(drops(before, week('2017-03-27', { new_york_state_average_gal: 2.42 }), regions, 0.05)).toEqual([]);
    expect(drops(before, week('2017-03-27', { new_york_state_average_gal: 2.38 }), regions, 0.05)).toHaveLength(1);
  });
});

describe('alert message', () => {
  it('says the region, both prices, the change and the week', () => {
    const { subject, message } = alertMessage(
      {
        week: '2017-03-27',
        previousWeek: '2017-03-20',
        region: 'new_york_city_average_gal',
        previous: 2.59,
        current: 2.5,
        change: -0.09,
        percent: -3.47,
      },
      'https://gas.example.com',
    );
    expect(subject).toBe('Gas price drop in New York City: $2.59 -> $2.50 (week of 2017-03-27)');
    expect(message).toContain('previous week (2017-03-20): $2.59 per gallon');
    expect(message).toContain('this week (2017-03-27):     $2.50 per gallon');
    expect(message).toContain('change: -$0.09 (-3.47%)');
    expect(message).toContain('To change your regions or thresholds, or to stop these alerts: https://gas.example.com/manage');
  });

  it('names regions from their columns', () => {
    expect(regionName('new_york_state_average_gal')).toBe('New York State');
  });
});
