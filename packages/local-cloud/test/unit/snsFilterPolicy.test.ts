// SNS subscription filter policies, on the example message of AWS's documentation
// (https://docs.aws.amazon.com/sns/latest/dg/example-filter-policies.html): its message attributes
// are customer_interests (String.Array), store and event (String) and price_usd (Number).
import { describe, expect, it } from '@jest/globals';
import { passesFilterPolicy } from '../../src/services/sns/filterPolicy';

const attributes = {
  customer_interests: { Type: 'String.Array', Value: '["soccer", "rugby", "hockey"]' },
  store: { Type: 'String', Value: 'example_corp' },
  event: { Type: 'String', Value: 'order_placed' },
  price_usd: { Type: 'Number', Value: '210.75' },
};
const passes = (policy: unknown) => passesFilterPolicy(JSON.stringify(policy), undefined, 'message', attributes);

describe('SNS filter policies on message attributes', () => {
  it('accepts the message for the documentation policy that matches every attribute', () => {
    expect(
      passes({
        store: ['example_corp'],
        event: [{ 'anything-but': 'order_cancelled' }],
        customer_interests: ['rugby', 'football', 'baseball'],
        price_usd: [{ numeric: ['>=', 100] }],
      }),
    ).toBe(true);
  });

  it('needs every key to match', () => {
    expect(passes({ store: ['example_corp'], event: ['order_cancelled'] })).toBe(false);
  });

  it('matches a String.Array attribute when any element does, a Number attribute numerically', () => {
    expect(passes({ customer_interests: ['hockey'] })).toBe(true);
    expect(passes({ customer_interests: [{ prefix: 'bas' }] })).toBe(false);
    expect(passes({ price_usd: [{ numeric: ['>', 100, '<=', 200] }] })).toBe(false);
    expect(passes({ price_usd: [{ numeric: ['=', 210.75] }] })).toBe(true);
  });

  it('treats a missing attribute as no match, except for exists: false', () => {
    expect(passes({ coupon: ['yes'] })).toBe(false);
    expect(passes({ coupon: [{ exists: false }] })).toBe(true);
    expect(passes({ store: [{ exists: false }] })).toBe(false);
  });

  it('takes alternatives with $or', () => {
    expect(passes({ $or: [{ store: ['other_corp'] }, { price_usd: [{ numeric: ['>', 200] }] }] })).toBe(true);
    expect(passes({ $or: [{ store: ['other_corp'] }, { event: ['order_cancelled'] }] })).toBe(false);
  });

  it('lets everything through without a policy', () => {
    expect(passesFilterPolicy(undefined, undefined, 'message', {})).toBe(true);
  });
});

describe('SNS filter policies on the message body (FilterPolicyScope MessageBody)', () => {
  const body = JSON.stringify({ store: 'example_corp', order: { price_usd: 210.75, items: ['rugby ball'] } });

  it('matches nested keys of a JSON message', () => {
    expect(passesFilterPolicy(JSON.stringify({ order: { price_usd: [{ numeric: ['>', 200] }] } }), 'MessageBody', body, {})).toBe(true);
    expect(passesFilterPolicy(JSON.stringify({ order: { price_usd: [{ numeric: ['<', 200] }] } }), 'MessageBody', body, {})).toBe(false);
  });

  it('lets no message through that is not JSON', () => {
    expect(passesFilterPolicy(JSON.stringify({ store: ['example_corp'] }), 'MessageBody', 'plain text', {})).toBe(false);
  });
});
