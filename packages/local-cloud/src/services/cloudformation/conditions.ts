import type { CfnOutput, CfnResource } from './template';

/**
 * A template's Conditions, evaluated as CloudFormation does before it creates anything: Fn::Equals,
 * Fn::Not, Fn::And, Fn::Or and Condition on literal values, Refs to parameters and pseudo parameters
 * (a compiled serverless template has its variables substituted already, so that is what it holds).
 */
export function evaluateConditions(conditions: Record<string, unknown>, references: Record<string, string>): Record<string, boolean> {
  const results: Record<string, boolean> = {};
  const visiting = new Set<string>();
  const condition = (name: string): boolean => {
    const known = results[name];
    if (known !== undefined) return known;
    if (!(name in conditions)) throw new Error(`Unresolved dependencies [${name}]: the condition is not in the Conditions section`);
    if (visiting.has(name)) throw new Error(`Circular dependency between conditions: ${[...visiting, name].join(' -> ')}`);
    visiting.add(name);
    const result = truth(conditions[name]);
    visiting.delete(name);
    results[name] = result;
    return result;
  };
  const value = (operand: unknown): unknown => {
    if (operand && typeof operand === 'object' && !Array.isArray(operand)) {
      const ref = (operand as { Ref?: unknown }).Ref;
      if (typeof ref === 'string' && ref in references) return references[ref];
      throw new Error(`the local cloud evaluates conditions on literals, parameters and pseudo parameters, not ${JSON.stringify(operand)}`);
    }
    return operand;
  };
  const truth = (expression: unknown): boolean => {
    const [fn, args] = Object.entries((expression ?? {}) as Record<string, unknown>)[0] ?? [];
    const list = Array.isArray(args) ? args : [];
    switch (fn) {
      case 'Fn::Equals':
        if (list.length !== 2) throw new Error('Fn::Equals takes two values');
        return String(value(list[0])) === String(value(list[1]));
      case 'Fn::Not':
        if (list.length !== 1) throw new Error('Fn::Not takes one condition');
        return !truth(list[0]);
      case 'Fn::And':
      case 'Fn::Or':
        if (list.length < 2 || list.length > 10) throw new Error(`${fn} takes between 2 and 10 conditions`);
        return fn === 'Fn::And' ? list.every(truth) : list.some(truth);
      case 'Condition':
        return condition(String(args));
      default:
        throw new Error(`Template format error: ${JSON.stringify(expression)} is not a condition function`);
    }
  };
  for (const name of Object.keys(conditions)) condition(name);
  return results;
}

/** The resources and outputs CloudFormation creates: those without a Condition, or whose Condition holds. */
export function applyConditions<T extends CfnResource | CfnOutput>(entries: Record<string, T>, conditions: Record<string, boolean>, section: string) {
  return Object.fromEntries(
    Object.entries(entries).filter(([id, entry]) => {
      const name = (entry as { Condition?: string }).Condition;
      if (name === undefined) return true;
      const holds = conditions[name];
      if (holds === undefined) throw new Error(`Template format error: Unresolved dependencies [${name}]. Cannot reference ${section} ${id}'s condition`);
      return holds;
    }),
  );
}
