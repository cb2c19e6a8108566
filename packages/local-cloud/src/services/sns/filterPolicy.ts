import { isIP } from 'node:net';

/** A message attribute as SNS keeps it: its data type and its value. */
export interface MessageAttribute {
  Type: string;
  Value: string;
}

/** What a message holds under each key a policy names: whether it is there, and its values (an array's elements). */
type Values = Map<string, unknown[]>;

/**
 * Whether a subscription's filter policy lets a message through, as SNS decides it
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html): on the message
 * attributes (String and Number ones, a String.Array by its elements; Binary ones are ignored) or, with
 * FilterPolicyScope MessageBody, on the JSON message, its nested keys joined with dots. Every key must
 * match, by any one of its conditions; `$or` makes alternatives. SNS's operators are typed: a string
 * condition matches strings only, a numeric one numbers only (not Lambda's filterPattern.ts, which
 * lets numeric strings through).
 */
export function passesFilterPolicy(
  policyJson: string | undefined,
  scope: string | undefined,
  message: string,
  attributes: Record<string, MessageAttribute>,
): boolean {
  if (!policyJson) return true;
  const policy = JSON.parse(policyJson) as Record<string, unknown>;
  if (!Object.keys(policy).length) return true; // `{}` is how a policy is removed.
  const values = scope === 'MessageBody' ? bodyValues(message) : attributeValues(attributes);
  if (!values) return false; // A body policy lets through JSON objects only.
  return alternatives(policy).some((branch) => [...branch].every(([key, conditions]) => conditions.some((condition) => matches(condition, values.get(key)))));
}

function attributeValues(attributes: Record<string, MessageAttribute>): Values {
  const values: Values = new Map();
  for (const [name, { Type, Value }] of Object.entries(attributes)) {
    if (Type === 'String' || (Type.startsWith('String.') && Type !== 'String.Array')) values.set(name, [Value]);
    else if (Type === 'Number' || (Type.startsWith('Number.') && Type !== 'Number.Array')) values.set(name, [Number(Value)]);
    else if (Type === 'String.Array' || Type === 'Number.Array') values.set(name, arrayOf(Value));
  }
  return values;
}

function arrayOf(json: string): unknown[] {
  try {
    const parsed = JSON.parse(json) as unknown;
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

function bodyValues(message: string): Values | undefined {
  let body: unknown;
  try {
    body = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const values: Values = new Map();
  const visit = (value: unknown, path: string) => {
    if (Array.isArray(value)) for (const item of value) visit(item, path);
    else if (value && typeof value === 'object') for (const [key, inner] of Object.entries(value)) visit(inner, path ? `${path}.${key}` : key);
    else values.set(path, [...(values.get(path) ?? []), value]);
  };
  visit(body, '');
  return values;
}

/**
 * The policy as alternatives of flat `key.path -> conditions`. `$or` is an operator only with an array
 * of two or more objects (https://docs.aws.amazon.com/sns/latest/dg/and-or-logic.html); otherwise a key.
 */
export function alternatives(policy: Record<string, unknown>, prefix = '', branches: Array<Map<string, unknown[]>> = [new Map()]) {
  let result = branches;
  for (const [key, value] of Object.entries(policy)) {
    if (key === '$or' && isOr(value)) {
      result = value.flatMap((choice) => alternatives(choice as Record<string, unknown>, prefix, result));
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      result = alternatives(value as Record<string, unknown>, `${prefix}${key}.`, result);
    } else {
      result = result.map((branch) => new Map([...branch, [`${prefix}${key}`, Array.isArray(value) ? value : [value]]]));
    }
  }
  return result;
}

export function isOr(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.length > 1 && value.every((choice) => choice && typeof choice === 'object' && !Array.isArray(choice));
}

/** One condition against the values a message has under its key (undefined: the key is not there). */
function matches(condition: unknown, values: unknown[] | undefined): boolean {
  if (condition === null || typeof condition !== 'object') return values?.some((value) => value === condition) ?? false;
  const [operator, operand] = Object.entries(condition)[0] ?? [];
  if (operator === 'exists') return operand === (values !== undefined);
  if (!values) return false;
  const strings = values.filter((value): value is string => typeof value === 'string');
  switch (operator) {
    case 'prefix':
      return strings.some((value) => value.startsWith(String(operand)));
    case 'suffix':
      return strings.some((value) => value.endsWith(String(operand)));
    case 'equals-ignore-case':
      return strings.some((value) => value.toLowerCase() === String(operand).toLowerCase());
    case 'cidr':
      return strings.some((value) => inCidr(value, String(operand)));
    case 'numeric':
      return values.some((value) => typeof value === 'number' && inRange(value, operand as Array<string | number>));
    case 'anything-but':
      // Matches when the message has a value that is none of those excluded (an array needs only one).
      return values.some((value) => !excluded(operand, value));
    default:
      return false;
  }
}

function excluded(operand: unknown, value: unknown): boolean {
  if (Array.isArray(operand)) return operand.includes(value);
  if (operand && typeof operand === 'object') {
    const { prefix, suffix } = operand as { prefix?: string; suffix?: string };
    if (typeof value !== 'string') return false;
    return prefix !== undefined ? value.startsWith(prefix) : suffix !== undefined && value.endsWith(suffix);
  }
  return operand === value;
}

function inRange(value: number, rules: Array<string | number>): boolean {
  for (let index = 0; index < rules.length; index += 2) {
    const bound = Number(rules[index + 1]);
    const ok = { '=': value === bound, '<': value < bound, '<=': value <= bound, '>': value > bound, '>=': value >= bound }[String(rules[index])];
    if (!ok) return false;
  }
  return true;
}

/** Whether an IPv4 or IPv6 address is in a CIDR block. */
export function inCidr(address: string, cidr: string): boolean {
  const [base = '', bits = ''] = cidr.split('/');
  const version = isIP(address);
  if (!version || version !== isIP(base)) return false;
  const width = version === 4 ? 32 : 128;
  const mask = Number(bits) === 0 ? 0n : ((1n << BigInt(width)) - 1n) ^ ((1n << BigInt(width - Number(bits))) - 1n);
  return (ipValue(address) & mask) === (ipValue(base) & mask);
}

function ipValue(address: string): bigint {
  if (isIP(address) === 4) return address.split('.').reduce((total, part) => (total << 8n) + BigInt(part), 0n);
  const [head = '', tail] = address.split('::');
  const groups = (text: string) => (text ? text.split(':') : []);
  const missing = tail === undefined ? [] : Array(8 - groups(head).length - groups(tail).length).fill('0');
  return [...groups(head), ...missing, ...groups(tail ?? '')].reduce((total, group) => (total << 16n) + BigInt(Number.parseInt(group, 16)), 0n);
}
