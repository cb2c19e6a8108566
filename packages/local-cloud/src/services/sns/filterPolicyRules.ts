import { isIP } from 'node:net';
import { isOr } from './filterPolicy';

/**
 * Why SNS refuses a filter policy, or undefined if it takes it: the reason as AWS words it after its
 * "Invalid parameter: " (Subscribe adds "Attributes Reason: "), as recorded from AWS by LocalStack's
 * snapshot tests; the limits are those of https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html
 * (five keys, 150 combinations, 256 KB). AWS's Jackson parser also appends where in the JSON it
 * stopped (" at [Source: ...]"); that location is not reproduced.
 */
export function filterPolicyRefusal(policyJson: string, scope: string | undefined): string | undefined {
  if (Buffer.byteLength(policyJson) > 256 * 1024) return 'FilterPolicy: Filter policy is too long';
  let policy: unknown;
  try {
    policy = JSON.parse(policyJson);
  } catch (error) {
    return `FilterPolicy: failed to parse JSON. ${(error as Error).message}`;
  }
  if (!policy || typeof policy !== 'object' || Array.isArray(policy)) return 'FilterPolicy: failed to parse JSON.';
  try {
    if (Object.keys(policy).length > 5) throw new Refusal('FilterPolicy: Filter policy can not have more than 5 keys');
    const combinations = check(policy as Record<string, unknown>, scope ?? 'MessageAttributes');
    if (combinations > 150) throw new Refusal('FilterPolicy: Filter policy is too complex');
  } catch (error) {
    if (error instanceof Refusal) return error.message;
    throw error;
  }
  return undefined;
}

class Refusal extends Error {}

/**
 * Checks a policy's keys and conditions and counts its combinations: the product of its arrays'
 * lengths, each times the depth of its key; `$or` alternatives add up.
 */
function check(policy: Record<string, unknown>, scope: string, depth = 1, combinations = 1): number {
  let total = combinations;
  for (const [key, value] of Object.entries(policy)) {
    if (Array.isArray(value) && !value.length) throw new Refusal('FilterPolicy: Empty arrays are not allowed');
    if (key === '$or' && isOr(value)) {
      total = value.reduce<number>((sum, choice) => sum + check(choice as Record<string, unknown>, scope, depth, total), 0);
    } else if (Array.isArray(value)) {
      for (const condition of value) checkCondition(condition);
      total *= value.length * depth;
    } else if (value && typeof value === 'object') {
      total = check(value as Record<string, unknown>, scope, depth + 1, total);
    } else throw new Refusal(`FilterPolicy: "${key}" must be an object or an array`);
  }
  if (scope === 'MessageAttributes' && depth > 1) throw new Refusal('Filter policy scope MessageAttributes does not support nested filter policy');
  return total;
}

const STRING_OPERATORS = new Set(['prefix', 'suffix', 'equals-ignore-case']);

function checkCondition(condition: unknown): void {
  if (condition === null || ['string', 'number', 'boolean'].includes(typeof condition)) return;
  if (Array.isArray(condition) || typeof condition !== 'object') throw new Refusal('FilterPolicy: Match value must be String, number, true, false, or null');
  const entries = Object.entries(condition);
  if (entries.length !== 1) throw new Refusal('FilterPolicy: Only one key allowed in match expression');
  const [operator = '', operand] = entries[0] ?? [];
  if (STRING_OPERATORS.has(operator)) {
    if (typeof operand !== 'string') throw new Refusal(`FilterPolicy: ${operator} match pattern must be a string`);
  } else if (operator === 'anything-but') {
    if (Array.isArray(operand)) for (const value of operand) checkCondition(value);
    else if (operand && typeof operand === 'object') {
      const inner = Object.keys(operand).find((name) => name !== 'prefix' && name !== 'suffix');
      if (inner) throw new Refusal(`FilterPolicy: Unsupported anything-but pattern: ${inner}`);
      checkCondition(operand);
    }
  } else if (operator === 'exists') {
    if (typeof operand !== 'boolean') throw new Refusal('FilterPolicy: exists match pattern must be either true or false.');
  } else if (operator === 'numeric') checkNumeric(operand);
  else if (operator === 'cidr') checkCidr(operand);
  else throw new Refusal(`FilterPolicy: Unrecognized match type ${operator}`);
}

/** `["op", n]` or a range `[">" or ">=", low, "<" or "<=", high]` with low < high. */
function checkNumeric(rules: unknown): void {
  const terms = Array.isArray(rules) ? rules : [];
  if (!terms.length) throw new Refusal('FilterPolicy: Invalid member in numeric match: ]');
  const [first, low, second, high] = terms as unknown[];
  if (typeof first !== 'string') throw new Refusal(`FilterPolicy: Invalid member in numeric match: ${first}`);
  if (!['<', '<=', '=', '>', '>='].includes(first)) throw new Refusal(`FilterPolicy: Unrecognized numeric range operator: ${first}`);
  if (typeof low !== 'number') throw new Refusal(`FilterPolicy: Value of ${first === '=' ? 'equals' : first} must be numeric`);
  if (terms.length === 2) return;
  if (first !== '>' && first !== '>=') throw new Refusal('FilterPolicy: Too many elements in numeric expression');
  if (typeof second !== 'string') throw new Refusal(`FilterPolicy: Bad value in numeric range: ${second}`);
  if (second !== '<' && second !== '<=') throw new Refusal(`FilterPolicy: Bad numeric range operator: ${second}`);
  if (typeof high !== 'number') throw new Refusal(`FilterPolicy: Value of ${second} must be numeric`);
  if (high <= low) throw new Refusal('FilterPolicy: Bottom must be less than top');
  if (terms.length > 4) throw new Refusal('FilterPolicy: Too many terms in numeric range expression');
}

function checkCidr(cidr: unknown): void {
  if (typeof cidr !== 'string') throw new Refusal('FilterPolicy: prefix match pattern must be a string'); // sic: AWS's message
  const parts = cidr.split('/');
  if (parts.length !== 2) throw new Refusal("FilterPolicy: Malformed CIDR, one '/' required");
  const [address = '', bits = ''] = parts;
  if (!/^\d+$/.test(bits)) throw new Refusal('FilterPolicy: Malformed CIDR, mask bits must be an integer');
  const version = isIP(address);
  if (!version || Number(bits) > (version === 4 ? 32 : 128)) throw new Refusal(`FilterPolicy: Nonstandard IP address: ${address}`);
}

/** Why SNS refuses a FilterPolicyScope (after "Invalid parameter: "), or undefined. */
export function filterPolicyScopeRefusal(scope: string): string | undefined {
  if (scope === 'MessageAttributes' || scope === 'MessageBody') return undefined;
  return `FilterPolicyScope: Invalid value [${scope}]. Please use either MessageBody or MessageAttributes`;
}
