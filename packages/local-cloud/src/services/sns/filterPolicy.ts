import { matchesPattern } from '../lambda/filterPattern';

/** A message attribute as SNS keeps it: its data type and its value. */
export interface MessageAttribute {
  Type: string;
  Value: string;
}

/**
 * Whether a subscription's filter policy lets a message through, as SNS decides it: on the message
 * attributes (a Number attribute matches numerically, a String.Array attribute when any element
 * does, a Binary one never) or, with FilterPolicyScope MessageBody, on the JSON message. Every key
 * must match; `$or` takes alternatives. SNS's matching operators are Lambda's filter operators.
 */
export function passesFilterPolicy(
  policyJson: string | undefined,
  scope: string | undefined,
  message: string,
  attributes: Record<string, MessageAttribute>,
): boolean {
  if (!policyJson) return true;
  const policy = JSON.parse(policyJson) as unknown;
  if (scope === 'MessageBody') {
    let body: unknown;
    try {
      body = JSON.parse(message);
    } catch {
      return false; // A body filter matches JSON messages only.
    }
    return matches(policy, body);
  }
  return matches(policy, Object.fromEntries(Object.entries(attributes).flatMap(([name, attribute]) => attributeValue(name, attribute))));
}

function attributeValue(name: string, attribute: MessageAttribute): Array<[string, unknown]> {
  if (attribute.Type.startsWith('Number')) return [[name, Number(attribute.Value)]];
  if (attribute.Type === 'String.Array') {
    try {
      return [[name, JSON.parse(attribute.Value) as unknown]];
    } catch {
      return [];
    }
  }
  if (attribute.Type.startsWith('String')) return [[name, attribute.Value]];
  return [];
}

/** A policy, or one of its `$or` alternatives, against a value. */
function matches(policy: unknown, value: unknown): boolean {
  if (!policy || typeof policy !== 'object' || Array.isArray(policy)) return matchesPattern(policy, value);
  const { $or, ...rest } = policy as Record<string, unknown>;
  const own = Object.fromEntries(Object.entries(rest).filter(([, inner]) => !(inner && typeof inner === 'object' && !Array.isArray(inner))));
  const nested = Object.entries(rest).filter(([, inner]) => inner && typeof inner === 'object' && !Array.isArray(inner));
  const object = value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  if (Object.keys(own).length && !matchesPattern(own, value)) return false;
  if (!nested.every(([key, inner]) => matches(inner, object[key]))) return false;
  return !Array.isArray($or) || $or.some((alternative) => matches(alternative, value));
}
