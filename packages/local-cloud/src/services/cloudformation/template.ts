import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyConditions, evaluateConditions } from './conditions';
import { ACCOUNT_ID } from './intrinsics';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
}

export interface CfnOutput {
  Value: unknown;
  Description?: string;
  Export?: { Name: unknown };
  Condition?: string;
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
  /** The resources CloudFormation creates: a resource whose Condition is false is not here. */
  resources: Record<string, CfnResource>;
  outputs: Record<string, CfnOutput>;
  /** The template's Conditions, evaluated (for Fn::If). */
  conditions: Record<string, boolean>;
  /** The values of the template's Parameters: their defaults, as a deploy without overrides gives them. */
  parameters?: Record<string, string>;
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
      const template = JSON.parse(readFileSync(file, 'utf8')) as {
        Resources: Record<string, CfnResource>;
        Outputs?: Record<string, CfnOutput>;
        Conditions?: Record<string, unknown>;
        Parameters?: Record<string, { Type: string; Default?: unknown }>;
      };
      const state = JSON.parse(readFileSync(join(artifactsDir, 'serverless-state.json'), 'utf8')) as {
        service: { service: string; provider: { stage: string; region: string } };
      };
      const { service, provider } = state.service;
      const pseudo = {
        'AWS::Region': provider.region,
        'AWS::AccountId': ACCOUNT_ID,
        'AWS::Partition': 'aws',
        'AWS::URLSuffix': 'amazonaws.com',
        'AWS::StackName': `${service}-${provider.stage}`,
      };
      const parameters: Record<string, string> = {};
      for (const [id, parameter] of Object.entries(template.Parameters ?? {})) {
        if (parameter.Default === undefined) throw new Error(`${name}: parameter ${id} has no Default, and the local cloud deploys without overrides`);
        parameters[id] = String(parameter.Default);
      }
      let conditions: Record<string, boolean>;
      try {
        conditions = evaluateConditions(template.Conditions ?? {}, { ...pseudo, ...parameters });
      } catch (error) {
        throw new Error(`${name}: ${(error as Error).message}`);
      }
      return {
        service,
        stage: provider.stage,
        region: provider.region,
        dir,
        artifactsDir,
        file,
        resources: applyConditions(template.Resources, conditions, 'resource'),
        outputs: applyConditions(template.Outputs ?? {}, conditions, 'output'),
        conditions,
        parameters,
      };
    });
}

/** The resources of one CloudFormation type, with their logical ids. */
export function resourcesOfType(template: ServiceTemplate, type: string): Array<[string, { Type: string; Properties: Record<string, unknown> }]> {
  return Object.entries(template.resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => [id, { Type: resource.Type, Properties: resource.Properties ?? {} }]);
}
