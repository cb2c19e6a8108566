import { dependencyGraph, ordered } from '../services/cloudformation/dependencies';
import { Resolver } from '../services/cloudformation/intrinsics';
import { NAME_PROPERTY, physicalName } from '../services/cloudformation/physical';
import type { ServiceTemplate } from '../services/cloudformation/template';
import type { Finding } from './finding';

/** Stands for whatever an intrinsic gives: it can be part of no name. */
const HOLE = '\u0000';
const NAME_CHAR = /[A-Za-z0-9._-]/;

/**
 * The text a value holds literally: strings as they are, pseudo parameters resolved, and a hole
 * where a Ref, Fn::GetAtt or Fn::Sub variable of a resource stands (those already order creation).
 */
function literalText(value: unknown, pseudo: Record<string, string>): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap((item) => literalText(item, pseudo));
  if (value === null || typeof value !== 'object') return [];
  const entries = Object.entries(value);
  const [fn, arg] = entries[0] ?? [];
  if (entries.length === 1 && fn === 'Ref') return [pseudo[String(arg)] ?? HOLE];
  if (entries.length === 1 && fn === 'Fn::GetAtt') return [HOLE];
  if (entries.length === 1 && fn === 'Fn::Sub') {
    const [text, variables] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
    const filled = text.replace(/\$\{(!?)([^}]+)\}/g, (_, literal: string, name: string) => {
      if (literal) return `\${${name}}`;
      if (variables && name in variables) return literalText(variables[name], pseudo).join(HOLE);
      return pseudo[name] ?? HOLE;
    });
    return [filled];
  }
  if (entries.length === 1 && fn === 'Fn::Join') {
    const [separator, parts] = arg as [string, unknown[]];
    return [(Array.isArray(parts) ? parts : [parts]).map((part) => literalText(part, pseudo).join(HOLE)).join(separator)];
  }
  return entries.flatMap(([, item]) => literalText(item, pseudo));
}

/** Whether `name` stands in `text` as a whole name (not as part of a longer one). */
function namesIt(text: string, name: string): boolean {
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    const before = text[at - 1];
    const after = text[at + name.length];
    if ((before === undefined || !NAME_CHAR.test(before)) && (after === undefined || !NAME_CHAR.test(after))) return true;
  }
  return false;
}

/** A resource's own name is no reference, even where another resource has the same one. */
const OWN_NAME: Record<string, string> = {
  ...NAME_PROPERTY,
  'AWS::Cognito::UserPool': 'UserPoolName',
  'AWS::Cognito::UserPoolClient': 'ClientName',
  'AWS::Cognito::UserPoolGroup': 'GroupName',
  'AWS::AppSync::GraphQLApi': 'Name',
  'AWS::AppSync::DataSource': 'Name',
  'AWS::ApiGatewayV2::Api': 'Name',
};

/** Where a resource holds policy text: identity and trust policies, resource policies, a permission's conditions. */
const POLICY_PROPERTIES: Record<string, string[]> = {
  'AWS::IAM::Role': ['Policies', 'AssumeRolePolicyDocument'],
  'AWS::IAM::Policy': ['PolicyDocument'],
  'AWS::IAM::ManagedPolicy': ['PolicyDocument'],
  'AWS::S3::BucketPolicy': ['PolicyDocument'],
  'AWS::SQS::QueuePolicy': ['PolicyDocument'],
  'AWS::SNS::TopicPolicy': ['PolicyDocument'],
  'AWS::Lambda::Permission': ['SourceArn', 'SourceAccount'],
};

/**
 * What may refer to other resources. Left out: the resource's own name, and policy text, which IAM
 * reads at request time: it may name what does not exist yet (a receipt rule in a bucket policy's
 * condition), and must where a Ref would close a cycle (bucket -> notification permission -> function
 * -> role). What a policy is attached to (a bucket policy's Bucket) is a reference like any other.
 */
function referringProperties(type: string, properties: Record<string, unknown>): Record<string, unknown> {
  const left = new Set([OWN_NAME[type], ...(POLICY_PROPERTIES[type] ?? [])]);
  return Object.fromEntries(Object.entries(properties).filter(([key]) => !left.has(key)));
}

/**
 * CloudFormation orders creation by Ref, Fn::GetAtt, Fn::Sub and DependsOn only. A resource that
 * names another of its template by a literal string (a bucket policy naming its bucket, say), with
 * nothing ordering the two, may be created first, and fail: a missing dependency.
 */
export function literalNameFindings(template: ServiceTemplate): Finding[] {
  const resolver = new Resolver(template, template.region);
  const pseudo = resolver.pseudo;
  const named = Object.entries(template.resources).flatMap(([logicalId, resource]) => {
    const property = NAME_PROPERTY[resource.Type];
    if (!property || resource.Properties?.[property] === undefined) return [];
    try {
      const name = physicalName(
        { ...pseudoNaming(template, logicalId), properties: { [property]: resolver.resolve(resource.Properties[property]) } },
        resource.Type,
      );
      return name.length >= 3 ? [{ logicalId, name }] : [];
    } catch {
      return [];
    }
  });
  const graph = dependencyGraph(template.resources);
  const findings: Finding[] = [];
  for (const [logicalId, resource] of Object.entries(template.resources)) {
    const texts = literalText(referringProperties(resource.Type, resource.Properties ?? {}), pseudo);
    for (const name of new Set(named.map((target) => target.name))) {
      // Two resources may share a name (a table and a rule set, say): the text may mean either one.
      const targets = named.filter((target) => target.name === name && target.logicalId !== logicalId).map((target) => target.logicalId);
      if (!targets.length || !texts.some((text) => namesIt(text, name))) continue;
      if (targets.some((target) => ordered(graph, logicalId, target))) continue;
      const target = targets.join(' or ');
      findings.push({
        service: template.service,
        check: 'dependencies',
        rule: 'DEPENDENCY',
        level: 'error',
        resource: logicalId,
        path: `Resources/${logicalId}/Properties`,
        message: `names ${target} ("${name}") by a literal string, and no Ref, Fn::GetAtt, Fn::Sub or DependsOn orders the two: CloudFormation may create ${logicalId} first. Refer to it with !Ref ${targets[0]} (or !GetAtt), or add DependsOn: ${targets[0]}`,
      });
    }
  }
  return findings;
}

function pseudoNaming(template: ServiceTemplate, logicalId: string) {
  return { region: template.region, account: '000000000000', stackName: `${template.service}-${template.stage}`, logicalId };
}
