/**
 * IAM policy documents as the policy grammar defines them
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html), read strictly:
 * what IAM would refuse as MalformedPolicyDocument is an error here too.
 */

export type Principal = '*' | Record<string, string[]>;

/** One value list per condition key, per operator: { StringEquals: { 'aws:SourceAccount': ['123'] } }. */
export type ConditionBlock = Record<string, Record<string, string[]>>;

export interface PolicyStatement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  principal?: Principal;
  notPrincipal?: Principal;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  condition?: ConditionBlock;
}

/** A policy with where it came from, so a decision can say which statement decided it. */
export interface Policy {
  /** "role Foo, policy bar", "bucket policy of x", "Lambda permission Y" */
  source: string;
  statements: PolicyStatement[];
}

export class MalformedPolicyError extends Error {
  override name = 'MalformedPolicyDocument';
}

const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

const strings = (value: unknown, what: string): string[] =>
  list(value).map((item) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw new MalformedPolicyError(`${what} must be strings, not ${JSON.stringify(item)}`);
  });

function principal(value: unknown, what: string): Principal {
  if (value === '*') return '*';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new MalformedPolicyError(`${what} must be "*" or an object`);
  return Object.fromEntries(Object.entries(value).map(([kind, ids]) => [kind, strings(ids, `${what}.${kind}`)]));
}

/** One statement, checked: exactly one of Action/NotAction, at most one of Resource/NotResource. */
export function parseStatement(raw: unknown, options: { resourcePolicy?: boolean } = {}): PolicyStatement {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new MalformedPolicyError(`a statement must be an object, not ${JSON.stringify(raw)}`);
  const s = raw as Record<string, unknown>;
  const known = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);
  const unknown = Object.keys(s).filter((key) => !known.has(key));
  if (unknown.length) throw new MalformedPolicyError(`unknown statement element(s): ${unknown.join(', ')}`);
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new MalformedPolicyError(`Effect must be "Allow" or "Deny", not ${JSON.stringify(s.Effect)}`);
  if ((s.Action === undefined) === (s.NotAction === undefined)) throw new MalformedPolicyError('a statement needs exactly one of Action and NotAction');
  if (s.Resource !== undefined && s.NotResource !== undefined) throw new MalformedPolicyError('a statement takes Resource or NotResource, not both');
  if (s.Principal !== undefined && s.NotPrincipal !== undefined) throw new MalformedPolicyError('a statement takes Principal or NotPrincipal, not both');
  if (options.resourcePolicy && s.Principal === undefined && s.NotPrincipal === undefined)
    throw new MalformedPolicyError('a statement of a resource policy needs a Principal');
  if (!options.resourcePolicy && (s.Principal !== undefined || s.NotPrincipal !== undefined))
    throw new MalformedPolicyError('an identity policy statement takes no Principal');
  if (!options.resourcePolicy && s.Resource === undefined && s.NotResource === undefined)
    throw new MalformedPolicyError('an identity policy statement needs Resource or NotResource');
  return {
    sid: s.Sid === undefined ? undefined : String(s.Sid),
    effect: s.Effect,
    principal: s.Principal === undefined ? undefined : principal(s.Principal, 'Principal'),
    notPrincipal: s.NotPrincipal === undefined ? undefined : principal(s.NotPrincipal, 'NotPrincipal'),
    action: s.Action === undefined ? undefined : strings(s.Action, 'Action'),
    notAction: s.NotAction === undefined ? undefined : strings(s.NotAction, 'NotAction'),
    resource: s.Resource === undefined ? undefined : strings(s.Resource, 'Resource'),
    notResource: s.NotResource === undefined ? undefined : strings(s.NotResource, 'NotResource'),
    condition: s.Condition === undefined ? undefined : conditionBlock(s.Condition),
  };
}

function conditionBlock(value: unknown): ConditionBlock {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new MalformedPolicyError('Condition must be an object');
  return Object.fromEntries(
    Object.entries(value).map(([operator, keys]) => {
      if (keys === null || typeof keys !== 'object' || Array.isArray(keys)) throw new MalformedPolicyError(`Condition.${operator} must be an object of keys`);
      return [operator, Object.fromEntries(Object.entries(keys).map(([key, values]) => [key, strings(values, `Condition.${operator}.${key}`)]))];
    }),
  );
}

/** A whole document: { Version?, Statement: one or a list }. */
export function parsePolicy(document: unknown, source: string, options: { resourcePolicy?: boolean } = {}): Policy {
  if (document === null || typeof document !== 'object') throw new MalformedPolicyError(`${source}: a policy document must be an object`);
  const { Version, Statement, Id: _id, ...rest } = document as Record<string, unknown>;
  if (Object.keys(rest).length) throw new MalformedPolicyError(`${source}: unknown policy element(s): ${Object.keys(rest).join(', ')}`);
  if (Version !== undefined && Version !== '2012-10-17' && Version !== '2008-10-17')
    throw new MalformedPolicyError(`${source}: Version must be "2012-10-17", not ${JSON.stringify(Version)}`);
  if (Statement === undefined) throw new MalformedPolicyError(`${source}: a policy needs a Statement`);
  try {
    return { source, statements: list(Statement).map((statement) => parseStatement(statement, options)) };
  } catch (error) {
    if (error instanceof MalformedPolicyError) throw new MalformedPolicyError(`${source}: ${error.message}`);
    throw error;
  }
}
