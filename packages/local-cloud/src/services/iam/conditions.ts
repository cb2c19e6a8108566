import { arnMatches, stringMatches } from './patterns';
import type { ConditionBlock } from './policy';

/**
 * The request context IAM evaluates conditions against. Keys are compared without case (IAM's rule);
 * a multivalued key (aws:TagKeys, say) holds a list.
 */
export type RequestContext = Record<string, string | string[]>;

const lookup = (context: RequestContext, key: string): string[] | undefined => {
  const lower = key.toLowerCase();
  const found = Object.entries(context).find(([name]) => name.toLowerCase() === lower);
  if (!found) return undefined;
  return Array.isArray(found[1]) ? found[1] : [found[1]];
};

/** Policy variables (${aws:SourceAccount}, ${aws:username, 'default'}, ${*}) in a value; undefined when one has no value. */
export function substituteVariables(text: string, context: RequestContext): string | undefined {
  let missing = false;
  const out = text.replace(/\$\{([^}]+)\}/g, (_, inner: string) => {
    if (inner === '*' || inner === '?' || inner === '$') return inner;
    const [key = '', fallback] = inner.split(/,\s*/);
    const value = lookup(context, key.trim());
    if (value?.length === 1) return value[0] ?? '';
    const quoted = fallback ? /^'(.*)'$/.exec(fallback.trim()) : null;
    if (quoted) return quoted[1] ?? '';
    missing = true;
    return '';
  });
  return missing ? undefined : out;
}

type Compare = (value: string, wanted: string) => boolean;

const number = (text: string) => (/^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : Number.NaN);
const date = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text) * 1000 : Date.parse(text));
const ipv4 = (text: string): number | undefined => {
  const parts = text.split('.').map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) return undefined;
  return parts.reduce((sum, part) => sum * 256 + part, 0);
};
const inCidr = (ip: string, cidr: string) => {
  const [base = '', bits = '32'] = cidr.split('/');
  const address = ipv4(ip);
  const network = ipv4(base);
  if (address === undefined || network === undefined) return ip === cidr;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(address / size) === Math.floor(network / size);
};

/** The positive form of every operator IAM has, and whether its name negates it. */
const OPERATORS: Record<string, { compare: Compare; negated: boolean }> = {
  StringEquals: { compare: (v, w) => v === w, negated: false },
  StringNotEquals: { compare: (v, w) => v === w, negated: true },
  StringEqualsIgnoreCase: { compare: (v, w) => v.toLowerCase() === w.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { compare: (v, w) => v.toLowerCase() === w.toLowerCase(), negated: true },
  StringLike: { compare: (v, w) => stringMatches(w, v), negated: false },
  StringNotLike: { compare: (v, w) => stringMatches(w, v), negated: true },
  NumericEquals: { compare: (v, w) => number(v) === number(w), negated: false },
  NumericNotEquals: { compare: (v, w) => number(v) === number(w), negated: true },
  NumericLessThan: { compare: (v, w) => number(v) < number(w), negated: false },
  NumericLessThanEquals: { compare: (v, w) => number(v) <= number(w), negated: false },
  NumericGreaterThan: { compare: (v, w) => number(v) > number(w), negated: false },
  NumericGreaterThanEquals: { compare: (v, w) => number(v) >= number(w), negated: false },
  DateEquals: { compare: (v, w) => date(v) === date(w), negated: false },
  DateNotEquals: { compare: (v, w) => date(v) === date(w), negated: true },
  DateLessThan: { compare: (v, w) => date(v) < date(w), negated: false },
  DateLessThanEquals: { compare: (v, w) => date(v) <= date(w), negated: false },
  DateGreaterThan: { compare: (v, w) => date(v) > date(w), negated: false },
  DateGreaterThanEquals: { compare: (v, w) => date(v) >= date(w), negated: false },
  Bool: { compare: (v, w) => v.toLowerCase() === w.toLowerCase(), negated: false },
  BinaryEquals: { compare: (v, w) => v === w, negated: false },
  IpAddress: { compare: (v, w) => inCidr(v, w), negated: false },
  NotIpAddress: { compare: (v, w) => inCidr(v, w), negated: true },
  ArnEquals: { compare: (v, w) => arnMatches(w, v), negated: false },
  ArnLike: { compare: (v, w) => arnMatches(w, v), negated: false },
  ArnNotEquals: { compare: (v, w) => arnMatches(w, v), negated: true },
  ArnNotLike: { compare: (v, w) => arnMatches(w, v), negated: true },
};

/** The operator's parts: ForAllValues:/ForAnyValue: in front, IfExists behind. Undefined for a name IAM does not know. */
export function parseOperator(name: string): { set?: 'ForAllValues' | 'ForAnyValue'; base: string; ifExists: boolean } | undefined {
  const match = /^(?:(ForAllValues|ForAnyValue):)?(.+?)(IfExists)?$/.exec(name);
  if (!match) return undefined;
  const base = match[2] ?? '';
  if (base !== 'Null' && !OPERATORS[base]) return undefined;
  if (base === 'Null' && (match[1] || match[3])) return undefined;
  return { set: match[1] as 'ForAllValues' | 'ForAnyValue' | undefined, base, ifExists: Boolean(match[3]) };
}

/**
 * One operator on one key, as IAM's documentation gives it: a value matches when it matches any of
 * the policy's values; a negated operator holds when none matches; a key missing from the request
 * fails a positive operator and passes a negated one, unless IfExists (passes) or Null decides; on a
 * multivalued key ForAnyValue wants one value to match and ForAllValues every one (an empty or
 * missing key passes ForAllValues).
 */
function holds(operator: string, key: string, wanted: string[], context: RequestContext): boolean {
  const parsed = parseOperator(operator);
  if (!parsed) throw new Error(`Unknown condition operator ${operator}`);
  const values = lookup(context, key);
  if (parsed.base === 'Null') {
    const absent = values === undefined || values.length === 0;
    return wanted.some((w) => (w.toLowerCase() === 'true' ? absent : !absent));
  }
  const { compare, negated } = OPERATORS[parsed.base] as { compare: Compare; negated: boolean };
  const policyValues = wanted.map((w) => substituteVariables(w, context)).filter((w): w is string => w !== undefined);
  const matchesAny = (value: string) => policyValues.some((w) => compare(value, w));
  const passes = (value: string) => (negated ? !matchesAny(value) : matchesAny(value));
  if (values === undefined || values.length === 0) {
    if (parsed.ifExists) return true;
    if (parsed.set === 'ForAllValues') return true;
    if (parsed.set === 'ForAnyValue') return false;
    return negated;
  }
  if (parsed.set === 'ForAllValues') return values.every(passes);
  if (parsed.set === 'ForAnyValue') return values.some(passes);
  // A single-valued operator on a list: IAM compares each value, and one match is enough.
  return negated ? values.every(passes) : values.some(passes);
}

/** A statement's Condition: every operator, and within it every key, must hold (values within a key are alternatives). */
export function conditionsHold(block: ConditionBlock | undefined, context: RequestContext): boolean {
  if (!block) return true;
  return Object.entries(block).every(([operator, keys]) => Object.entries(keys).every(([key, wanted]) => holds(operator, key, wanted, context)));
}
