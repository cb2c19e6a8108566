// The filter policy each choice produces, judged by the local cloud's SNS filter evaluation (the one
// its tests hold to AWS's documented examples) on the attributes publishDrops sends.
import { describe, expect, it } from '@jest/globals';
import { passesFilterPolicy } from '@zero-idle/local-cloud/sns-filter-policy';
import { type Choice, filterPolicyFor, InvalidField, readChoice, readEmail } from '../../src/domain/choice';

const known = new Set(['new_york_state', 'new_york_city', 'albany', 'buffalo']);
const alert = (region: string, drop: number, price: number) => ({
  region: { Type: 'String', Value: region },
  drop: { Type: 'Number', Value: String(drop) },
  price: { Type: 'Number', Value: String(price) },
  week: { Type: 'String', Value: '2026-11-30' },
});
const reaches = (choice: Choice, attributes: ReturnType<typeof alert> | Record<string, { Type: string; Value: string }>) =>
  passesFilterPolicy(JSON.stringify(filterPolicyFor(choice, 'subscriber-1')), 'MessageAttributes', 'alert', attributes);

describe('the filter policy of a choice', () => {
  it('is exactly the regions, the minimum drop and the target price, or a message to this subscriber', () => {
    expect(filterPolicyFor({ regions: ['albany', 'new_york_city'], minDrop: 0.05, below: 3.1 }, 'subscriber-1')).toEqual({
      $or: [{ region: ['albany', 'new_york_city'], drop: [{ numeric: ['>=', 0.05] }], price: [{ numeric: ['<', 3.1] }] }, { subscriber: ['subscriber-1'] }],
    });
    expect(filterPolicyFor({ regions: ['albany'] }, 's')).toEqual({ $or: [{ region: ['albany'] }, { subscriber: ['s'] }] });
  });

  it('lets through every drop in a chosen region, and none elsewhere', () => {
    const choice = { regions: ['albany', 'buffalo'] };
    expect(reaches(choice, alert('albany', 0.01, 3.5))).toBe(true);
    expect(reaches(choice, alert('buffalo', 0.2, 2))).toBe(true);
    expect(reaches(choice, alert('new_york_city', 0.3, 2))).toBe(false);
  });

  it('matches the minimum drop numerically, the minimum itself included', () => {
    const choice = { regions: ['albany'], minDrop: 0.05 };
    expect(reaches(choice, alert('albany', 0.05, 3))).toBe(true);
    expect(reaches(choice, alert('albany', 0.12, 3))).toBe(true);
    expect(reaches(choice, alert('albany', 0.04, 3))).toBe(false);
  });

  it('matches the target price strictly below it, with both thresholds together', () => {
    const choice = { regions: ['new_york_city'], minDrop: 0.03, below: 3.1 };
    expect(reaches(choice, alert('new_york_city', 0.03, 3.09))).toBe(true);
    expect(reaches(choice, alert('new_york_city', 0.03, 3.1))).toBe(false);
    expect(reaches(choice, alert('new_york_city', 0.02, 2.5))).toBe(false);
  });

  it("lets through a message to this subscriber alone, not another's", () => {
    expect(reaches({ regions: ['albany'] }, { subscriber: { Type: 'String', Value: 'subscriber-1' } })).toBe(true);
    expect(reaches({ regions: ['albany'] }, { subscriber: { Type: 'String', Value: 'subscriber-2' } })).toBe(false);
  });
});

describe('reading a request', () => {
  const refused = (read: () => unknown) => {
    try {
      read();
    } catch (error) {
      return error instanceof InvalidField ? [error.field, error.message] : ['not InvalidField', String(error)];
    }
    return ['accepted'];
  };

  it('takes regions as a list (JSON) or one value (a form with one box), thresholds as numbers or strings', () => {
    expect(readChoice({ regions: ['buffalo', 'albany', 'albany'], minDrop: '0.05', below: 3.1 }, known)).toEqual({
      regions: ['albany', 'buffalo'],
      minDrop: 0.05,
      below: 3.1,
    });
    expect(readChoice({ regions: 'albany', minDrop: '', below: '$3.10' }, known)).toEqual({ regions: ['albany'], minDrop: undefined, below: 3.1 });
  });

  it('refuses an unknown or missing region, naming the field', () => {
    expect(refused(() => readChoice({ regions: ['atlantis'] }, known))).toEqual(['regions', expect.stringContaining('unknown region "atlantis"')]);
    expect(refused(() => readChoice({}, known))).toEqual(['regions', 'regions: choose at least one region']);
    expect(refused(() => readChoice({ regions: [{ $ne: 1 }] }, known))).toEqual(['regions', expect.stringContaining('unknown region')]);
    expect(refused(() => readChoice({ regions: Array(5).fill('albany') }, known))).toEqual(['regions', 'regions: at most 4']);
    // Before the first weekly fetch there is no region to choose.
    expect(refused(() => readChoice({ regions: ['albany'] }, new Set()))).toEqual(['regions', expect.stringContaining('there are none yet')]);
  });

  it('refuses negative, absurd and malformed thresholds, naming the field', () => {
    expect(refused(() => readChoice({ regions: ['albany'], minDrop: -0.05 }, known))).toEqual(['minDrop', expect.stringContaining('at most two decimals')]);
    expect(refused(() => readChoice({ regions: ['albany'], minDrop: '5' }, known))).toEqual(['minDrop', 'minDrop must be between $0.01 and $2.00, got $5']);
    expect(refused(() => readChoice({ regions: ['albany'], minDrop: 0 }, known))).toEqual(['minDrop', expect.stringContaining('between $0.01')]);
    expect(refused(() => readChoice({ regions: ['albany'], below: '1e9' }, known))).toEqual(['below', expect.stringContaining('at most two decimals')]);
    expect(refused(() => readChoice({ regions: ['albany'], below: 99 }, known))).toEqual(['below', expect.stringContaining('between $0.50 and $10.00')]);
    expect(refused(() => readChoice({ regions: ['albany'], below: 'NaN' }, known))).toEqual(['below', expect.any(String)]);
  });

  it('normalises an address and refuses what is none', () => {
    expect(readEmail('  Jo.Doe+gas@Example.COM ')).toBe('jo.doe+gas@example.com');
    for (const bad of [
      '',
      'jo',
      'jo@',
      '@example.com',
      'jo@example',
      'jo doe@example.com',
      'jo@example.com\r\nBcc: x@y.z',
      'a@b@example.com',
      `${'a'.repeat(250)}@example.com`,
      42,
    ])
      expect(refused(() => readEmail(bad))[0]).toBe('email');
  });
});
