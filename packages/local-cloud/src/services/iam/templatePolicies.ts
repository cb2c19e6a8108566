import type { Resolver } from '../cloudformation/intrinsics';
import type { ServiceTemplate } from '../cloudformation/template';

/** A policy document of a template, where it stands and whose it is. */
export interface TemplatePolicy {
  kind: 'identity' | 'trust' | 'resource';
  /** The resource that holds it (a role, a bucket policy, a Lambda permission). */
  logicalId: string;
  /** Where in the template: Resources/<id>/Properties/... */
  path: string;
  /** The policy as written, intrinsics resolved. */
  document: unknown;
  /** For a resource policy: the ARN of the resource it protects. */
  protects?: string;
}

const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** A Lambda permission as the statement Lambda adds to the function's policy (AddPermission's documented output). */
export function permissionStatement(properties: Record<string, unknown>, functionArn: string) {
  const principal = String(properties.Principal);
  const condition: Record<string, Record<string, string>> = {};
  if (properties.SourceAccount !== undefined) condition.StringEquals = { 'AWS:SourceAccount': String(properties.SourceAccount) };
  if (properties.SourceArn !== undefined) condition.ArnLike = { 'AWS:SourceArn': String(properties.SourceArn) };
  if (properties.PrincipalOrgID !== undefined) condition.StringEquals = { ...condition.StringEquals, 'aws:PrincipalOrgID': String(properties.PrincipalOrgID) };
  if (properties.FunctionUrlAuthType !== undefined)
    condition.StringEquals = { ...condition.StringEquals, 'lambda:FunctionUrlAuthType': String(properties.FunctionUrlAuthType) };
  return {
    Effect: 'Allow',
    Principal:
      principal === '*'
        ? '*'
        : /^\d{12}$/.test(principal)
          ? { AWS: `arn:aws:iam::${principal}:root` }
          : principal.startsWith('arn:')
            ? { AWS: principal }
            : { Service: principal },
    Action: String(properties.Action),
    Resource: functionArn,
    ...(Object.keys(condition).length ? { Condition: condition } : {}),
  };
}

/**
 * Every policy document of a template, resolved: the inline policies and trust policy of each role,
 * standalone IAM policies, and the resource policies of buckets, queues, topics and functions.
 */
export function templatePolicies(template: ServiceTemplate, resolver: Resolver): TemplatePolicy[] {
  const found: TemplatePolicy[] = [];
  for (const [logicalId, resource] of Object.entries(template.resources)) {
    const p = resource.Properties ?? {};
    const at = (path: string) => `Resources/${logicalId}/Properties/${path}`;
    switch (resource.Type) {
      case 'AWS::IAM::Role':
        found.push({ kind: 'trust', logicalId, path: at('AssumeRolePolicyDocument'), document: resolver.resolve(p.AssumeRolePolicyDocument) });
        list(p.Policies).forEach((policy, index) => {
          found.push({
            kind: 'identity',
            logicalId,
            path: at(`Policies/${index}/PolicyDocument`),
            document: resolver.resolve((policy as { PolicyDocument?: unknown }).PolicyDocument),
          });
        });
        break;
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
        found.push({ kind: 'identity', logicalId, path: at('PolicyDocument'), document: resolver.resolve(p.PolicyDocument) });
        break;
      case 'AWS::S3::BucketPolicy':
        found.push({
          kind: 'resource',
          logicalId,
          path: at('PolicyDocument'),
          document: resolver.resolve(p.PolicyDocument),
          protects: `arn:aws:s3:::${resolver.resolveString(p.Bucket)}`,
        });
        break;
      case 'AWS::SQS::QueuePolicy':
      case 'AWS::SNS::TopicPolicy':
        found.push({ kind: 'resource', logicalId, path: at('PolicyDocument'), document: resolver.resolve(p.PolicyDocument) });
        break;
      case 'AWS::Lambda::Permission': {
        const name = resolver.resolveString(p.FunctionName);
        const functionArn = name.startsWith('arn:') ? name : `arn:aws:lambda:${resolver.region}:000000000000:function:${name}`;
        const document = { Version: '2012-10-17', Statement: [permissionStatement(resolver.resolve(p) as Record<string, unknown>, functionArn)] };
        found.push({ kind: 'resource', logicalId, path: at(''), document, protects: functionArn });
        break;
      }
    }
  }
  return found;
}
