import type { LocalModule } from '../../context';
import { parsePolicy } from './policy';

const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * IAM roles and policies from the templates, read as IAM reads them: a malformed document fails the
 * role's creation (MalformedPolicyDocument), and a managed policy, whose statements are not in the
 * template, is refused, since the local cloud could not enforce it.
 */
export function iamModule(): LocalModule {
  return {
    name: 'iam',
    coverage: {
      service: 'AWS IAM',
      by: "the local cloud (AWS's policy logic and IAM catalog)",
      eventSources: ['every endpoint call authorized: identity and resource policies, conditions, explicit Deny'],
      notEmulated: [
        'the IAM API (roles come from the templates)',
        'managed policies (refused in a template), permission boundaries, SCPs, session policies',
        'signature verification (any SigV4 signature is accepted)',
      ],
    },
    creates: {
      'AWS::IAM::Role': async ({ resolver, logicalId, properties }, context) => {
        const p = resolver.resolve(properties) as Record<string, unknown>;
        const managed = list(p.ManagedPolicyArns);
        if (managed.length) throw new Error(`the local cloud cannot read managed policies (${managed.join(', ')}): write their statements inline`);
        const described = resolver.describe(logicalId);
        const arn = described?.attributes.Arn ?? '';
        const name = described?.ref ?? logicalId;
        context.iam.addRole({
          arn,
          name,
          trust: parsePolicy(p.AssumeRolePolicyDocument, `trust policy of role ${name}`, { resourcePolicy: true }),
          policies: list(p.Policies).map((policy) => {
            const { PolicyName, PolicyDocument } = policy as { PolicyName?: unknown; PolicyDocument?: unknown };
            return parsePolicy(PolicyDocument, `role ${name}, policy ${String(PolicyName ?? '')}`);
          }),
        });
      },
      'AWS::IAM::Policy': async ({ resolver, logicalId, properties }, context) => {
        const p = resolver.resolve(properties) as { PolicyName?: string; PolicyDocument: unknown; Roles?: string[] };
        const policy = parsePolicy(p.PolicyDocument, `policy ${p.PolicyName ?? logicalId}`);
        for (const roleName of p.Roles ?? []) {
          const role = context.iam.roleNamed(roleName);
          if (!role) throw new Error(`the role ${roleName} does not exist (NoSuchEntity)`);
          role.policies.push(policy);
        }
      },
    },
  };
}
