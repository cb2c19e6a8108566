import type { ServiceTemplate } from '../services/cloudformation/template';
import { IamCatalog } from '../services/iam/catalog';
import { cfnLintFindings, findCfnLint } from './cfnLint';
import { describeFinding, type Finding } from './finding';
import { literalNameFindings } from './literalNames';
import { policyFindings, servicesNamed } from './policies';

export { describeFinding, type Finding } from './finding';

export interface TemplateChecks {
  /** Findings by service; a service with none passed. */
  findings: Map<string, Finding[]>;
  /** The cfn-lint that checked, or undefined when none is installed (the other checks still ran). */
  cfnLint?: { path: string; version: string };
  figures: { templates: number; resources: number; policies: number; statements: number; actions: number; milliseconds: number };
}

export const CFN_LINT_MISSING =
  'cfn-lint is not installed: the templates were NOT checked against AWS\'s CloudFormation rules. Install it with "pipx install cfn-lint" (or "pip install cfn-lint"), or point CFN_LINT at it.';

/**
 * The checks between a compiled template and AWS: AWS's own linter with its resource schemas, the
 * IAM catalog (actions, ARN formats, condition keys), and CloudFormation's creation order (literal
 * names with nothing ordering them).
 */
export async function checkTemplates(root: string, templates: ServiceTemplate[]): Promise<TemplateChecks> {
  const started = performance.now();
  const cfnLint = await findCfnLint();
  const linted = cfnLint ? await cfnLintFindings(root, templates, cfnLint) : new Map<string, Finding[]>();
  const findings = new Map<string, Finding[]>();
  const figures = { templates: templates.length, resources: 0, policies: 0, statements: 0, actions: 0, milliseconds: 0 };
  // A template the local cloud cannot even resolve (an intrinsic it does not know) fails its own checks, not everyone's.
  const unresolvable = (template: ServiceTemplate, error: unknown): Finding[] => [
    { service: template.service, check: 'iam', rule: 'UNRESOLVED', level: 'error', path: 'Resources', message: (error as Error).message },
  ];
  const services = templates.flatMap((template) => {
    try {
      return servicesNamed(template);
    } catch {
      return [];
    }
  });
  const catalog = await new IamCatalog().load(services);
  for (const template of templates) {
    figures.resources += Object.keys(template.resources).length;
    let own: Finding[];
    try {
      const policies = policyFindings(template, catalog);
      figures.policies += policies.figures.policies;
      figures.statements += policies.figures.statements;
      figures.actions += policies.figures.actions;
      own = [...policies.findings, ...literalNameFindings(template)];
    } catch (error) {
      own = unresolvable(template, error);
    }
    findings.set(template.service, [...(linted.get(template.service) ?? []), ...own]);
  }
  figures.milliseconds = Math.round(performance.now() - started);
  return { findings, cfnLint, figures };
}

/** What a person reads: each failing service with its findings, then one line of figures. */
export function checksReport(checks: TemplateChecks): string[] {
  const lines: string[] = [];
  for (const [service, findings] of checks.findings) {
    if (!findings.length) continue;
    lines.push(`${service}: its template fails ${findings.length} check(s) a deploy would fail or AWS would refuse:`);
    for (const finding of findings) lines.push(`  ${describeFinding(finding)}`);
  }
  const { templates, resources, policies, statements, actions, milliseconds } = checks.figures;
  lines.push(
    `template checks: ${templates} templates, ${resources} resources; ${checks.cfnLint ? `cfn-lint ${checks.cfnLint.version.replace(/^cfn-lint /, '')}` : 'cfn-lint MISSING'}; IAM catalog: ${policies} policies, ${statements} statements, ${actions} actions; ${milliseconds} ms`,
  );
  return lines;
}
