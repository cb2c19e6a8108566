import { Resolver } from '../services/cloudformation/intrinsics';
import type { ServiceTemplate } from '../services/cloudformation/template';
import type { CatalogAction, IamCatalog } from '../services/iam/catalog';
import { parseOperator } from '../services/iam/conditions';
import { SUPPLIED_CONDITION_KEYS } from '../services/iam/context';
import { patternFitsFormat } from '../services/iam/patterns';
import { MalformedPolicyError, type PolicyStatement, parsePolicy } from '../services/iam/policy';
import { templatePolicies } from '../services/iam/templatePolicies';
import type { Finding } from './finding';

export interface PolicyFigures {
  policies: number;
  statements: number;
  actions: number;
}

/** The services (s3, dynamodb...) the template's policies name in their actions, to load their part of the catalog first. */
export function servicesNamed(template: ServiceTemplate): string[] {
  const resolver = new Resolver(template, template.region);
  const actions = templatePolicies(template, resolver).flatMap((policy) => {
    const statements = (policy.document as { Statement?: unknown } | undefined)?.Statement;
    return (Array.isArray(statements) ? statements : [statements]).flatMap((statement) => {
      const { Action, NotAction } = (statement ?? {}) as { Action?: unknown; NotAction?: unknown };
      return [Action, NotAction].flatMap((value) => (Array.isArray(value) ? value : value === undefined ? [] : [value]));
    });
  });
  return [
    ...new Set(
      actions
        .filter((action): action is string => typeof action === 'string' && action.includes(':'))
        .map((action) => action.split(':')[0]?.toLowerCase() ?? ''),
    ),
  ];
}

/**
 * Checks every policy of a template against AWS's IAM catalog: each action exists (a wildcard
 * stands for at least one), each statement's resources have the ARN format of its actions' resource
 * types (and an action that takes no resource gets "*"), each condition operator and key means
 * something for those actions, and the local cloud supplies the key (else it would decide differently
 * from AWS). Allow statements with every action of a service (`*`, `s3:*`) break least privilege.
 */
export function policyFindings(template: ServiceTemplate, catalog: IamCatalog): { findings: Finding[]; figures: PolicyFigures } {
  const resolver = new Resolver(template, template.region);
  const findings: Finding[] = [];
  const figures: PolicyFigures = { policies: 0, statements: 0, actions: 0 };
  const report = (logicalId: string, path: string, rule: string, message: string) =>
    findings.push({ service: template.service, check: 'iam', rule, level: 'error', resource: logicalId, path, message });

  for (const [logicalId, resource] of Object.entries(template.resources)) {
    const managed = (resource.Properties?.ManagedPolicyArns as unknown[] | undefined) ?? [];
    if (resource.Type === 'AWS::IAM::Role' && managed.length)
      report(
        logicalId,
        `Resources/${logicalId}/Properties/ManagedPolicyArns`,
        'IAM-MANAGED',
        `attaches managed policies (${managed.map((arn) => JSON.stringify(arn)).join(', ')}) whose statements are not in the template: the local cloud could not enforce them. Write the statements inline (iamRoleStatements)`,
      );
  }

  for (const policy of templatePolicies(template, resolver)) {
    figures.policies += 1;
    let statements: PolicyStatement[];
    try {
      statements = parsePolicy(policy.document, policy.path, { resourcePolicy: policy.kind !== 'identity' }).statements;
    } catch (error) {
      if (!(error instanceof MalformedPolicyError)) throw error;
      report(policy.logicalId, policy.path, 'IAM-MALFORMED', error.message);
      continue;
    }
    statements.forEach((statement, index) => {
      figures.statements += 1;
      const path = `${policy.path}/Statement/${index}`;
      const named = [...(statement.action ?? []), ...(statement.notAction ?? [])];
      const byPattern = new Map<string, CatalogAction[]>();
      for (const pattern of named) {
        figures.actions += 1;
        if (pattern === '*') {
          if (statement.effect === 'Allow' && statement.action)
            report(policy.logicalId, path, 'IAM-WILDCARD', 'allows every action of every service ("*"): name the actions');
          continue;
        }
        const [service = ''] = pattern.split(':');
        if (!pattern.includes(':') || !catalog.hasService(service)) {
          report(policy.logicalId, path, 'IAM-ACTION', `"${pattern}": AWS has no service "${service}" in its IAM catalog`);
          continue;
        }
        const expanded = catalog.expand(pattern);
        if (!expanded.length) report(policy.logicalId, path, 'IAM-ACTION', `"${pattern}" is not an action of ${service} in AWS's IAM catalog`);
        if (statement.effect === 'Allow' && statement.action && /:\*$/.test(pattern))
          report(policy.logicalId, path, 'IAM-WILDCARD', `allows every ${service} action ("${pattern}"): name the actions it needs`);
        if (statement.action && expanded.length) byPattern.set(pattern, expanded);
      }
      const actions = [...byPattern.values()].flat();
      if (policy.kind !== 'trust' && statement.resource && byPattern.size)
        checkResources(statement.resource, byPattern, (message) => report(policy.logicalId, path, 'IAM-RESOURCE', message));
      for (const [operator, keys] of Object.entries(statement.condition ?? {})) {
        if (!parseOperator(operator)) report(policy.logicalId, path, 'IAM-CONDITION', `"${operator}" is not an IAM condition operator`);
        for (const key of Object.keys(keys)) {
          const meaningful = key.toLowerCase().startsWith('aws:')
            ? catalog.knowsConditionKeyName(key)
            : actions.some((action) => catalog.knowsConditionKey(action, key));
          if (!meaningful) report(policy.logicalId, path, 'IAM-CONDITION', `condition key "${key}" means nothing for ${describeActions(actions, named)}`);
          else if (!SUPPLIED_CONDITION_KEYS.has(key.toLowerCase()))
            report(
              policy.logicalId,
              path,
              'IAM-CONDITION',
              `the local cloud does not supply condition key "${key}", so it would decide this statement differently from AWS`,
            );
        }
      }
    });
  }
  return { findings, figures };
}

const describeActions = (actions: CatalogAction[], named: string[]) => (actions.length ? actions.map((action) => action.name).join(', ') : named.join(', '));

const fits = (resource: string, action: CatalogAction) =>
  action.resourceTypes.length === 0 ? resource === '*' : action.resourceTypes.some((type) => type.arnFormat && patternFitsFormat(resource, type.arnFormat));

/**
 * Each resource must be one that some action of the statement takes, and each action (or wildcard)
 * must take one of the resources. An action that takes no resource beside others that take these is
 * let be: it grants nothing, harmlessly (osls adds dynamodb:ListStreams to stream statements so).
 */
function checkResources(resources: string[], byPattern: Map<string, CatalogAction[]>, report: (message: string) => void): void {
  const actions = [...byPattern.values()].flat();
  for (const resource of resources) {
    if (!actions.some((action) => fits(resource, action))) {
      const formats = [...new Set(actions.flatMap((action) => (action.resourceTypes.length ? action.resourceTypes.map((type) => type.arnFormat) : ['*'])))];
      report(`"${resource}" is not a resource of ${[...byPattern.keys()].join(', ')}: AWS names those ${formats.join(' or ')}`);
    }
  }
  const grantsSomething = actions.some((action) => resources.some((resource) => fits(resource, action)));
  for (const [pattern, expanded] of byPattern) {
    if (expanded.some((action) => resources.some((resource) => fits(resource, action)))) continue;
    const takesNoResource = expanded.every((action) => action.resourceTypes.length === 0);
    if (takesNoResource && grantsSomething) continue;
    report(
      takesNoResource
        ? `${pattern} takes no resource: only "Resource": "*" grants it, so this statement grants it nothing`
        : `${pattern} acts on ${[...new Set(expanded.flatMap((action) => action.resourceTypes.map((type) => type.arnFormat)))].join(' or ')}, and none of the statement's resources is one: it grants nothing`,
    );
  }
}
