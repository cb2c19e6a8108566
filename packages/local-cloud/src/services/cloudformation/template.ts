import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
}

export interface CfnOutput {
  Value: unknown;
  Description?: string;
  Export?: { Name: unknown };
}

/** One service as `serverless package` compiled it: the CloudFormation template and its artifacts. */
export interface ServiceTemplate {
  service: string;
  stage: string;
  /** The region the service deploys to (provider.region). */
  region: string;
  dir: string;
  artifactsDir: string;
  /** The compiled template's path. */
  file: string;
  resources: Record<string, CfnResource>;
  outputs: Record<string, CfnOutput>;
}

export const TEMPLATE = 'cloudformation-template-update-stack.json';

/** Reads the compiled template of every service under services/; a service never packaged is an error. */
export function loadTemplates(root: string, only?: readonly string[]): ServiceTemplate[] {
  const servicesDir = join(root, 'services');
  const names = readdirSync(servicesDir).filter((name) => existsSync(join(servicesDir, name, 'serverless.yml')));
  return names
    .filter((name) => !only || only.includes(name))
    .sort()
    .map((name) => {
      const dir = join(servicesDir, name);
      const artifactsDir = join(dir, '.serverless');
      const file = join(artifactsDir, TEMPLATE);
      if (!existsSync(file)) throw new Error(`${name} has no compiled template at ${file}: run "pnpm package" first`);
      const template = JSON.parse(readFileSync(file, 'utf8')) as { Resources: Record<string, CfnResource>; Outputs?: Record<string, CfnOutput> };
      const state = JSON.parse(readFileSync(join(artifactsDir, 'serverless-state.json'), 'utf8')) as {
        service: { service: string; provider: { stage: string; region: string } };
      };
      const { service, provider } = state.service;
      return {
        service,
        stage: provider.stage,
        region: provider.region,
        dir,
        artifactsDir,
        file,
        resources: template.Resources,
        outputs: template.Outputs ?? {},
      };
    });
}

/** The resources of one CloudFormation type, with their logical ids. */
export function resourcesOfType(template: ServiceTemplate, type: string): Array<[string, { Type: string; Properties: Record<string, unknown> }]> {
  return Object.entries(template.resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => [id, { Type: resource.Type, Properties: resource.Properties ?? {} }]);
}
