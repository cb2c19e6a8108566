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

// The documented examples of each operator, on attributes and on the body
// (https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html and its sub-pages).
const attribute = (Type: string, Value: string | number) => ({ Type, Value: String(Value) });
const onAttributes = (policy: unknown, attributes: Record<string, { Type: string; Value: string }>) =>
  passesFilterPolicy(JSON.stringify(policy), 'MessageAttributes', 'message', attributes);
const onBody = (policy: unknown, body: unknown) => passesFilterPolicy(JSON.stringify(policy), 'MessageBody', JSON.stringify(body), {});

describe('string value matching (https://docs.aws.amazon.com/sns/latest/dg/string-value-matching.html)', () => {
  it('exact: a String, a String.Array element or a body property equal to a listed value', () => {
    const policy = { customer_interests: ['rugby', 'tennis'] };
    expect(onAttributes(policy, { customer_interests: attribute('String', 'rugby') })).toBe(true);
    expect(onAttributes(policy, { customer_interests: attribute('String', 'tennis') })).toBe(true);
    expect(onAttributes(policy, { customer_interests: attribute('String.Array', '["rugby", "tennis"]') })).toBe(true);
    expect(onBody(policy, { customer_interests: 'rugby' })).toBe(true);
    expect(onAttributes(policy, { customer_interests: attribute('String', 'baseball') })).toBe(false);
    expect(onAttributes(policy, { customer_interests: attribute('String.Array', '["baseball"]') })).toBe(false);
    expect(onBody(policy, { customer_interests: 'baseball' })).toBe(false);
  });

  it('anything-but: a value none of those listed; an array needs one such element', () => {
    const policy = { customer_interests: [{ 'anything-but': ['rugby', 'tennis'] }] };
    expect(onAttributes(policy, { customer_interests: attribute('String', 'baseball') })).toBe(true);
    expect(onAttributes(policy, { customer_interests: attribute('String', 'football') })).toBe(true);
    expect(onAttributes(policy, { customer_interests: attribute('String.Array', '["rugby", "baseball"]') })).toBe(true);
    expect(onBody(policy, { customer_interests: ['rugby', 'baseball'] })).toBe(true);
    expect(onAttributes(policy, { customer_interests: attribute('String', 'rugby') })).toBe(false);
    expect(onBody(policy, { customer_interests: ['rugby'] })).toBe(false);
    expect(onAttributes(policy, {})).toBe(false);
  });

  it('anything-but with a prefix or a suffix', () => {
    const prefix = { event: [{ 'anything-but': { prefix: 'order-' } }] };
    expect(onAttributes(prefix, { event: attribute('String', 'data-entry') })).toBe(true);
    expect(onAttributes(prefix, { event: attribute('String', 'order_number') })).toBe(true);
    expect(onBody(prefix, { event: 'order_number' })).toBe(true);
    expect(onAttributes(prefix, { event: attribute('String', 'order-cancelled') })).toBe(false);
    expect(onBody(prefix, { event: 'order-cancelled' })).toBe(false);
    const suffix = { event: [{ 'anything-but': { suffix: '-cancelled' } }] };
    expect(onAttributes(suffix, { event: attribute('String', 'order-placed') })).toBe(true);
    expect(onAttributes(suffix, { event: attribute('String', 'order-cancelled') })).toBe(false);
  });

  it('equals-ignore-case, prefix and suffix', () => {
    const ignoreCase = { customer_interests: [{ 'equals-ignore-case': 'tennis' }] };
    expect(onAttributes(ignoreCase, { customer_interests: attribute('String', 'TENNIS') })).toBe(true);
    expect(onBody(ignoreCase, { customer_interests: 'Tennis' })).toBe(true);
    expect(onAttributes(ignoreCase, { customer_interests: attribute('String', 'baseball') })).toBe(false);
    const prefix = { customer_interests: [{ prefix: 'bas' }] };
    expect(onAttributes(prefix, { customer_interests: attribute('String', 'baseball') })).toBe(true);
    expect(onAttributes(prefix, { customer_interests: attribute('String', 'basketball') })).toBe(true);
    expect(onBody(prefix, { customer_interests: 'basketball' })).toBe(true);
    expect(onAttributes(prefix, { customer_interests: attribute('String', 'rugby') })).toBe(false);
    const suffix = { customer_interests: [{ suffix: 'ball' }] };
    expect(onAttributes(suffix, { customer_interests: attribute('String', 'baseball') })).toBe(true);
    expect(onBody(suffix, { customer_interests: 'basketball' })).toBe(true);
    expect(onAttributes(suffix, { customer_interests: attribute('String', 'rugby') })).toBe(false);
  });

  it('IP address matching with cidr, IPv4 and IPv6', () => {
    const policy = { source_ip: [{ cidr: '10.0.0.0/24' }] };
    expect(onAttributes(policy, { source_ip: attribute('String', '10.0.0.0') })).toBe(true);
    expect(onAttributes(policy, { source_ip: attribute('String', '10.0.0.255') })).toBe(true);
    expect(onBody(policy, { source_ip: '10.0.0.255' })).toBe(true);
    expect(onAttributes(policy, { source_ip: attribute('String', '10.1.1.0') })).toBe(false);
    expect(onBody(policy, { source_ip: '10.1.1.0' })).toBe(false);
    const v6 = { source_ip: [{ cidr: '2001:db8:1234:1a00::/64' }] };
    expect(onAttributes(v6, { source_ip: attribute('String', '2001:db8:1234:1a00::1') })).toBe(true);
    expect(onAttributes(v6, { source_ip: attribute('String', '2001:db8:1234:1b00::1') })).toBe(false);
  });
});

describe('numeric value matching (https://docs.aws.amazon.com/sns/latest/dg/numeric-value-matching.html)', () => {
  it('exact: an equal Number attribute or body number, however written', () => {
    const policy = { price_usd: [{ numeric: ['=', 301.5] }] };
    expect(onAttributes(policy, { price_usd: attribute('Number', '301.5') })).toBe(true);
    expect(onAttributes(policy, { price_usd: attribute('Number', '3.015e2') })).toBe(true);
    expect(onBody(policy, { price_usd: 301.5 })).toBe(true);
    expect(passesFilterPolicy(JSON.stringify(policy), 'MessageBody', '{"price_usd": 3.015e2}', {})).toBe(true);
  });

  it('anything-but numbers', () => {
    const policy = { price: [{ 'anything-but': [100, 500] }] };
    expect(onAttributes(policy, { price: attribute('Number', 101) })).toBe(true);
    expect(onAttributes(policy, { price: attribute('Number', 100.1) })).toBe(true);
    expect(onBody(policy, { price: 101 })).toBe(true);
    expect(onAttributes(policy, { price: attribute('Number.Array', '[100, 50]') })).toBe(true);
    expect(onBody(policy, { price: [100, 50] })).toBe(true);
    expect(onAttributes(policy, { price: attribute('Number', 100) })).toBe(false);
    expect(onBody(policy, { price: 100 })).toBe(false);
  });

  it('ranges', () => {
    expect(onAttributes({ price_usd: [{ numeric: ['<', 0] }] }, { price_usd: attribute('Number', -3) })).toBe(true);
    expect(onAttributes({ price_usd: [{ numeric: ['<', 0] }] }, { price_usd: attribute('Number', 3) })).toBe(false);
    const upTo150 = { price_usd: [{ numeric: ['>', 0, '<=', 150] }] };
    expect(onBody(upTo150, { price_usd: 150 })).toBe(true);
    expect(onBody(upTo150, { price_usd: 0 })).toBe(false);
    expect(onBody(upTo150, { price_usd: 150.5 })).toBe(false);
  });

  it('is typed: a numeric condition matches Number attributes, not String ones; a string condition not Number ones', () => {
    expect(onAttributes({ price_usd: [{ numeric: ['>', 100] }] }, { price_usd: attribute('String', '210.75') })).toBe(false);
    expect(onBody({ price_usd: [{ numeric: ['>', 100] }] }, { price_usd: '210.75' })).toBe(false);
    expect(onAttributes({ price_usd: ['210.75'] }, { price_usd: attribute('Number', '210.75') })).toBe(false);
    expect(onAttributes({ price_usd: [{ prefix: '21' }] }, { price_usd: attribute('Number', '210.75') })).toBe(false);
  });
});

describe('key matching (https://docs.aws.amazon.com/sns/latest/dg/attribute-key-matching.html)', () => {
  const withStore = { store: attribute('String', 'fans'), customer_interests: attribute('String.Array', '["baseball", "basketball"]') };
  const withoutStore = { customer_interests: attribute('String.Array', '["baseball", "basketball"]') };

  it('exists: true matches a message with the key, false one without it', () => {
    expect(onAttributes({ store: [{ exists: true }] }, withStore)).toBe(true);
    expect(onBody({ store: [{ exists: true }] }, { store: 'fans', customer_interests: ['baseball', 'basketball'] })).toBe(true);
    expect(onAttributes({ store: [{ exists: true }] }, withoutStore)).toBe(false);
    expect(onBody({ store: [{ exists: true }] }, { customer_interests: ['baseball', 'basketball'] })).toBe(false);
    expect(onAttributes({ store: [{ exists: false }] }, withStore)).toBe(false);
    expect(onBody({ store: [{ exists: false }] }, { store: 'fans' })).toBe(false);
    expect(onAttributes({ store: [{ exists: false }] }, withoutStore)).toBe(true);
    expect(onBody({ store: [{ exists: false }] }, { customer_interests: ['baseball', 'basketball'] })).toBe(true);
  });

  it('ignores Binary attributes (https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html)', () => {
    expect(onAttributes({ store: [{ exists: true }] }, { store: attribute('Binary', 'ZmFucw==') })).toBe(false);
  });
});

describe('AND/OR logic (https://docs.aws.amazon.com/sns/latest/dg/and-or-logic.html)', () => {
  it('AND across keys', () => {
    const policy = { customer_interests: ['rugby'], price_usd: [{ numeric: ['>', 100] }] };
    expect(onAttributes(policy, { customer_interests: attribute('String', 'rugby'), price_usd: attribute('Number', 101) })).toBe(true);
    expect(onAttributes(policy, { customer_interests: attribute('String', 'rugby'), price_usd: attribute('Number', 99) })).toBe(false);
    expect(onAttributes(policy, { price_usd: attribute('Number', 101) })).toBe(false);
  });

  it('OR within a key', () => {
    const policy = { customer_interests: ['rugby', 'football', 'baseball'] };
    expect(onBody(policy, { customer_interests: 'football' })).toBe(true);
    expect(onBody(policy, { customer_interests: 'hockey' })).toBe(false);
  });

  it('$or across keys, with the keys beside it applying to every alternative', () => {
    const policy = { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] };
    const source = attribute('String', 'aws.cloudwatch');
    expect(onAttributes(policy, { source, metricName: attribute('String', 'CPUUtilization') })).toBe(true);
    expect(onAttributes(policy, { source, namespace: attribute('String', 'AWS/EC2') })).toBe(true);
    expect(onAttributes(policy, { source, namespace: attribute('String', 'AWS/S3') })).toBe(false);
    expect(onAttributes(policy, { metricName: attribute('String', 'CPUUtilization') })).toBe(false);
  });

  it('treats "$or" as a plain key unless it has two or more objects', () => {
    expect(onAttributes({ $or: ['yes'] }, { $or: attribute('String', 'yes') })).toBe(true);
    expect(onAttributes({ $or: ['yes'] }, {})).toBe(false);
  });
});

describe('message body scope (https://docs.aws.amazon.com/sns/latest/dg/example-filter-policies.html)', () => {
  const body = {
    customer_interests: ['soccer', 'rugby', 'hockey'],
    store: 'example_corp',
    event: 'order_placed',
    price_usd: 210.75,
    order: { shipping: { country: 'CA' } },
  };

  it('matches the documentation policy on the body as on the attributes', () => {
    const policy = {
      store: ['example_corp'],
      event: [{ 'anything-but': 'order_cancelled' }],
      customer_interests: ['rugby', 'football', 'baseball'],
      price_usd: [{ numeric: ['>=', 100] }],
    };
    expect(onBody(policy, body)).toBe(true);
    expect(onBody({ ...policy, store: ['other_corp'] }, body)).toBe(false);
  });

  it('matches nested keys, and only in the body scope', () => {
    expect(onBody({ order: { shipping: { country: ['CA', 'US'] } } }, body)).toBe(true);
    expect(onBody({ order: { shipping: { country: ['FR'] } } }, body)).toBe(false);
    expect(onAttributes({ store: ['example_corp'] }, {})).toBe(false);
    expect(passesFilterPolicy(JSON.stringify({ store: ['example_corp'] }), 'MessageAttributes', JSON.stringify(body), {})).toBe(false);
  });

  it('lets no body through that is not a JSON object', () => {
    expect(passesFilterPolicy(JSON.stringify({ store: [{ exists: false }] }), 'MessageBody', '["a"]', {})).toBe(false);
  });
});
