import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

/** One service as `serverless package` compiled it: the CloudFormation template and its artifacts. */
export interface ServiceTemplate {
  service: string;
  stage: string;
  dir: string;
  artifactsDir: string;
  resources: Record<string, CfnResource>;
}

const TEMPLATE = 'cloudformation-template-update-stack.json';

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
      const template = JSON.parse(readFileSync(file, 'utf8')) as { Resources: Record<string, CfnResource> };
      const state = JSON.parse(readFileSync(join(artifactsDir, 'serverless-state.json'), 'utf8')) as {
        service: { service: string; provider: { stage: string } };
      };
      return { service: state.service.service, stage: state.service.provider.stage, dir, artifactsDir, resources: template.Resources };
    });
}

/** The resources of one CloudFormation type, with their logical ids. */
export function resourcesOfType(template: ServiceTemplate, type: string): Array<[string, Required<CfnResource>]> {
  return Object.entries(template.resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => [id, { Type: resource.Type, Properties: resource.Properties ?? {} }]);
}
