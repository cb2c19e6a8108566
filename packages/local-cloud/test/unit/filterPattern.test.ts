import { describe, expect, it } from '@jest/globals';
import { matchesPattern, passesFilters } from '../../src/services/lambda/filterPattern';

const insert = { eventName: 'INSERT', dynamodb: { NewImage: { type: { S: 'USER' }, age: { N: '42' }, email: { S: 'Ann@Example.com' } } } };
const modify = { ...insert, eventName: 'MODIFY' };

describe('Lambda event filter patterns', () => {
  it('matches exact values, nested', () => {
    const pattern = { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['USER'] } } } };
    expect(matchesPattern(pattern, insert)).toBe(true);
    expect(matchesPattern(pattern, modify)).toBe(false);
    expect(matchesPattern({ dynamodb: { NewImage: { type: { S: ['EMAIL'] } } } }, insert)).toBe(false);
  });

  it.each([
    [{ eventName: [{ prefix: 'INS' }] }, true],
    [{ eventName: [{ 'anything-but': ['REMOVE', 'MODIFY'] }] }, true],
    [{ eventName: [{ 'anything-but': 'INSERT' }] }, false],
    [{ dynamodb: { NewImage: { age: { N: [{ numeric: ['>', 40, '<=', 42] }] } } } }, true],
    [{ dynamodb: { NewImage: { age: { N: [{ numeric: ['<', 40] }] } } } }, false],
    [{ dynamodb: { NewImage: { email: { S: [{ 'equals-ignore-case': 'ann@example.com' }] } } } }, true],
    [{ dynamodb: { NewImage: { email: { S: [{ suffix: '.com' }] } } } }, true],
    [{ dynamodb: { NewImage: { missing: [{ exists: false }] } } }, true],
    [{ dynamodb: { NewImage: { type: [{ exists: true }] } } }, true],
    [{ dynamodb: { NewImage: { missing: [{ exists: true }] } } }, false],
  ])('%j is %s', (pattern, expected) => {
    expect(matchesPattern(pattern, insert)).toBe(expected);
  });

  it('passes a record when any filter matches, and every record when there is none', () => {
    expect(passesFilters([{ eventName: ['REMOVE'] }, { eventName: ['INSERT'] }], insert)).toBe(true);
    expect(passesFilters([{ eventName: ['REMOVE'] }], insert)).toBe(false);
    expect(passesFilters([], insert)).toBe(true);
  });

  it('refuses a pattern whose values are not in a list', () => {
    expect(() => matchesPattern({ eventName: 'INSERT' }, insert)).toThrow('values must be in a list');
  });
});
