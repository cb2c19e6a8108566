// Which filter policies SNS refuses, and with what reason (after "Invalid parameter: "). The limits are
// those of https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html; the
// wording is AWS's, as LocalStack's snapshot tests recorded it from AWS (tests/aws/services/sns/test_sns_filter_policy.snapshot.json).
import { describe, expect, it } from '@jest/globals';
import { filterPolicyRefusal, filterPolicyScopeRefusal } from '../../src/services/sns/filterPolicyRules';

const refusal = (policy: unknown, scope = 'MessageAttributes') => filterPolicyRefusal(JSON.stringify(policy), scope);

describe('SNS filter policy constraints', () => {
  it('takes the documented policies', () => {
    expect(refusal({ key_a: ['value_one', 'value_two', 'value_three'], key_b: ['value_one'], key_c: ['value_one', 'value_two'] })).toBeUndefined();
    expect(
      refusal(
        { key_a: { key_b: { key_c: ['value_one', 'value_two', 'value_three', 'value_four'] } }, key_d: { key_e: ['value_one', 'value_two', 'value_three'] } },
        'MessageBody',
      ),
    ).toBeUndefined();
    expect(refusal({ source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] })).toBeUndefined();
    expect(refusal({ a: [{ 'anything-but': { prefix: 'order-' } }], b: [{ cidr: '10.0.0.0/24' }], c: [{ numeric: ['>', 0, '<=', 150] }] })).toBeUndefined();
  });

  it('refuses what is not JSON', () => {
    expect(filterPolicyRefusal('{invalidjson}', 'MessageAttributes')).toMatch(/^FilterPolicy: failed to parse JSON\./);
  });

  it('refuses more than five keys and more than 150 combinations', () => {
    expect(refusal({ a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'], f: ['1'] })).toBe('FilterPolicy: Filter policy can not have more than 5 keys');
    const values = (count: number) => Array.from({ length: count }, (_, index) => `v${index}`);
    expect(refusal({ a: values(151) })).toBe('FilterPolicy: Filter policy is too complex');
    expect(refusal({ a: values(10), b: values(15) })).toBeUndefined();
    expect(refusal({ a: values(10), b: values(16) })).toBe('FilterPolicy: Filter policy is too complex');
    // Nested keys count their depth: 3 x 4 x 2 x 3 = 72 in the documentation; 3 x 50 = 150 and 3 x 51 = 153 here.
    expect(refusal({ a: { b: { c: values(50) } } }, 'MessageBody')).toBeUndefined();
    expect(refusal({ a: { b: { c: values(51) } } }, 'MessageBody')).toBe('FilterPolicy: Filter policy is too complex');
  });

  it('refuses nesting in the MessageAttributes scope, values not in arrays, empty arrays', () => {
    expect(refusal({ object: { key: [{ prefix: 'auto-' }] } })).toBe('Filter policy scope MessageAttributes does not support nested filter policy');
    expect(refusal({ key_a: 'value_one' }, 'MessageBody')).toBe('FilterPolicy: "key_a" must be an object or an array');
    expect(refusal({ key: { suffix: 'value' } })).toBe('FilterPolicy: "suffix" must be an object or an array');
    expect(refusal({ key: [] })).toBe('FilterPolicy: Empty arrays are not allowed');
    expect(refusal({ key: [['value']] })).toBe('FilterPolicy: Match value must be String, number, true, false, or null');
  });

  it('refuses unknown operators and operands of the wrong kind', () => {
    expect(refusal({ key: [{ 'wrong-operator': true }] })).toBe('FilterPolicy: Unrecognized match type wrong-operator');
    expect(refusal({ key: [{ suffix: 'value', prefix: 'value2' }] })).toBe('FilterPolicy: Only one key allowed in match expression');
    expect(refusal({ key: [{ suffix: 100 }] })).toBe('FilterPolicy: suffix match pattern must be a string');
    expect(refusal({ key: [{ exists: 'no' }] })).toBe('FilterPolicy: exists match pattern must be either true or false.');
    expect(refusal({ key: [{ 'anything-but': { exists: false } }] })).toBe('FilterPolicy: Unsupported anything-but pattern: exists');
    expect(refusal({ key: [{ 'anything-but': { prefix: false } }] })).toBe('FilterPolicy: prefix match pattern must be a string');
  });

  it('refuses malformed numeric conditions', () => {
    expect(refusal({ key: [{ numeric: [] }] })).toBe('FilterPolicy: Invalid member in numeric match: ]');
    expect(refusal({ key: [{ numeric: ['operator'] }] })).toBe('FilterPolicy: Unrecognized numeric range operator: operator');
    expect(refusal({ key: [{ numeric: [1, '<='] }] })).toBe('FilterPolicy: Invalid member in numeric match: 1');
    expect(refusal({ key: [{ numeric: ['=', '000'] }] })).toBe('FilterPolicy: Value of equals must be numeric');
    expect(refusal({ key: [{ numeric: ['<', 100, '>', 10] }] })).toBe('FilterPolicy: Too many elements in numeric expression');
    expect(refusal({ key: [{ numeric: ['>=', 1, '>', 2] }] })).toBe('FilterPolicy: Bad numeric range operator: >');
    expect(refusal({ key: [{ numeric: ['>', 3, '<', 1] }] })).toBe('FilterPolicy: Bottom must be less than top');
    expect(refusal({ key: [{ numeric: ['>', 20, 30] }] })).toBe('FilterPolicy: Bad value in numeric range: 30');
    expect(refusal({ key: [{ numeric: ['>', 20, '<', 30, '<', 50] }] })).toBe('FilterPolicy: Too many terms in numeric range expression');
  });

  it('refuses malformed CIDR blocks', () => {
    expect(refusal({ key: [{ cidr: ['bad-filter'] }] })).toBe('FilterPolicy: prefix match pattern must be a string');
    expect(refusal({ key: [{ cidr: 'bad-filter' }] })).toBe("FilterPolicy: Malformed CIDR, one '/' required");
    expect(refusal({ key: [{ cidr: 'bad-filter/a' }] })).toBe('FilterPolicy: Malformed CIDR, mask bits must be an integer');
    expect(refusal({ key: [{ cidr: 'xx.11.xx/8' }] })).toBe('FilterPolicy: Nonstandard IP address: xx.11.xx');
  });

  it('takes only MessageAttributes and MessageBody as a scope', () => {
    expect(filterPolicyScopeRefusal('MessageBody')).toBeUndefined();
    expect(filterPolicyScopeRefusal('RandomValue')).toBe('FilterPolicyScope: Invalid value [RandomValue]. Please use either MessageBody or MessageAttributes');
  });
});
