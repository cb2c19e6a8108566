import type { CfnResource } from './template';

/** Pseudo parameters are not resources: a Ref to one orders nothing. */
const isPseudo = (name: string) => name.startsWith('AWS::');

/** The `${Name}` and `${Name.Attribute}` variables of an Fn::Sub string (`${!Literal}` is text). */
export function subVariables(text: string): string[] {
  return [...text.matchAll(/\$\{(?!!)([^}]+)\}/g)].map((match) => (match[1] ?? '').split('.')[0] ?? '');
}

/** The other resources one resource needs first, as CloudFormation derives them: Ref, Fn::GetAtt, Fn::Sub (in Properties) and DependsOn. */
export function dependenciesOf(resources: Record<string, CfnResource>, logicalId: string): Set<string> {
  const resource = resources[logicalId];
  const found = new Set<string>();
  const visit = (value: unknown, locals: ReadonlySet<string>): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, locals);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, arg] of Object.entries(value)) {
      if (key === 'Ref' && typeof arg === 'string') found.add(arg);
      else if (key === 'Fn::GetAtt') found.add(String(Array.isArray(arg) ? arg[0] : String(arg).split('.')[0]));
      else if (key === 'Fn::Sub') {
        const [text, variables] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
        const names = new Set(Object.keys(variables ?? {}));
        for (const name of subVariables(text)) if (!names.has(name)) found.add(name);
        visit(variables, names);
      } else visit(arg, locals);
    }
  };
  visit(resource?.Properties, new Set());
  const dependsOn = resource?.DependsOn;
  for (const name of dependsOn === undefined ? [] : Array.isArray(dependsOn) ? dependsOn : [dependsOn]) found.add(String(name));
  for (const name of [...found]) if (isPseudo(name) || !resources[name]) found.delete(name);
  found.delete(logicalId);
  return found;
}

/**
 * The order in which CloudFormation may create a template's resources: every resource after all it
 * depends on. Among resources free to go, the template's order decides (CloudFormation would create
 * them at once). A cycle is an error, as CloudFormation refuses it ("Circular dependency between resources").
 */
export function creationOrder(resources: Record<string, CfnResource>): string[] {
  const pending = dependencyGraph(resources);
  const order: string[] = [];
  while (pending.size) {
    const ready = [...pending].filter(([, needs]) => [...needs].every((id) => !pending.has(id))).map(([id]) => id);
    if (!ready.length) throw new Error(`Circular dependency between resources: [${[...pending.keys()].join(', ')}]`);
    for (const id of ready) {
      order.push(id);
      pending.delete(id);
    }
  }
  return order;
}

/** Every resource with the resources it depends on. */
export function dependencyGraph(resources: Record<string, CfnResource>): Map<string, Set<string>> {
  return new Map(Object.keys(resources).map((id) => [id, dependenciesOf(resources, id)]));
}

/** Whether CloudFormation orders the two resources one way or the other (directly or through others). */
export function ordered(graph: ReadonlyMap<string, ReadonlySet<string>>, a: string, b: string): boolean {
  const reaches = (from: string, to: string) => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length) {
      const id = stack.pop() ?? '';
      if (id === to) return true;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...(graph.get(id) ?? []));
    }
    return false;
  };
  return reaches(a, b) || reaches(b, a);
}
