/**
 * Lambda event filtering (FilterCriteria), as AWS applies it to stream and queue records: every key of
 * the pattern must match; a list of conditions matches when any one does. Supported conditions: exact
 * values, null, "" , prefix, suffix, equals-ignore-case, anything-but, numeric ranges and exists.
 */
export function matchesPattern(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) {
    const values = Array.isArray(value) ? value : [value];
    return pattern.some(
      (condition) => values.some((candidate) => matchesCondition(condition, candidate)) || (isExists(condition) && matchesCondition(condition, value)),
    );
  }
  if (pattern && typeof pattern === 'object') {
    const object = value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
    return Object.entries(pattern).every(([key, inner]) => matchesPattern(inner, object[key]));
  }
  throw new Error(`Invalid filter pattern: ${JSON.stringify(pattern)} (values must be in a list)`);
}

function isExists(condition: unknown): boolean {
  return Boolean(condition && typeof condition === 'object' && 'exists' in condition);
}

function matchesCondition(condition: unknown, value: unknown): boolean {
  if (condition === null || typeof condition !== 'object') return condition === value;
  const [operator, operand] = Object.entries(condition)[0] ?? [];
  switch (operator) {
    case 'exists':
      return operand ? value !== undefined : value === undefined;
    case 'prefix':
      return typeof value === 'string' && value.startsWith(String(operand));
    case 'suffix':
      return typeof value === 'string' && value.endsWith(String(operand));
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(operand).toLowerCase();
    case 'anything-but': {
      if (value === undefined) return false;
      const excluded = Array.isArray(operand) ? operand : [operand];
      return !excluded.includes(value);
    }
    case 'numeric':
      return typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
        ? numericMatches(operand as Array<string | number>, Number(value))
        : false;
    default:
      throw new Error(`Unsupported filter condition ${JSON.stringify(condition)}`);
  }
}

function numericMatches(rules: Array<string | number>, value: number): boolean {
  for (let index = 0; index < rules.length; index += 2) {
    const operator = rules[index];
    const bound = Number(rules[index + 1]);
    const ok =
      operator === '='
        ? value === bound
        : operator === '<'
          ? value < bound
          : operator === '<='
            ? value <= bound
            : operator === '>'
              ? value > bound
              : value >= bound;
    if (!ok) return false;
  }
  return true;
}

/** Lambda's FilterCriteria: a record passes when any filter's pattern matches it. */
export function passesFilters(filters: readonly unknown[], record: unknown): boolean {
  return filters.length === 0 || filters.some((pattern) => matchesPattern(pattern, record));
}

/** The patterns of an event source mapping's FilterCriteria (each filter's Pattern is a JSON string). */
export function filterPatterns(criteria: unknown): unknown[] {
  return ((criteria as { Filters?: Array<{ Pattern: string }> } | undefined)?.Filters ?? []).map((filter) => JSON.parse(filter.Pattern) as unknown);
}
