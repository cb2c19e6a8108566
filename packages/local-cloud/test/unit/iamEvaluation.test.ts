// The IAM evaluator against the examples of AWS's own policy documentation: each case is the
// documented policy (verbatim), the documented request, and the outcome the page states. Sources:
// the IAM User Guide pages named above each block (docs.aws.amazon.com/IAM/latest/UserGuide/...),
// the Lambda Developer Guide and the SES Developer Guide. Where a page's table contradicts its own
// policy (ForAllValues:StringNotLike on aws:ResourceOrgPaths, row 3 of ForAllValues:ArnLike), the
// case is left out rather than asserting a documentation error.
import { describe, expect, it } from '@jest/globals';
import type { RequestContext } from '../../src/services/iam/conditions';
import { type AuthorizationRequest, authorize, type RequestPrincipal } from '../../src/services/iam/evaluate';
import { parsePolicy } from '../../src/services/iam/policy';

const identity = (document: unknown) => [parsePolicy(document, 'identity policy')];
const resourcePolicy = (document: unknown) => [parsePolicy(document, 'resource policy', { resourcePolicy: true })];
const statement = (fragment: object) => ({ Version: '2012-10-17', Statement: [fragment] });

const user = (name: string, account = '123456789012'): RequestPrincipal => ({ kind: 'user', account, userArn: `arn:aws:iam::${account}:user/${name}` });
const request = (principal: RequestPrincipal, action: string, resource: string, context: RequestContext = {}): AuthorizationRequest => ({
  principal,
  action,
  resource,
  context,
});

describe('policy evaluation within one account (reference_policies_evaluation-logic_policy-eval-basics)', () => {
  // "Example identity-based and resource-based policy evaluation": Carlos.
  const carlosPolicy = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowS3ListRead',
        Effect: 'Allow',
        Action: ['s3:GetBucketLocation', 's3:GetAccountPublicAccessBlock', 's3:ListAccessPoints', 's3:ListAllMyBuckets'],
        Resource: 'arn:aws:s3:::*',
      },
      { Sid: 'AllowS3Self', Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::carlossalazar/*', 'arn:aws:s3:::carlossalazar'] },
      { Sid: 'DenyS3Logs', Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::*log*' },
    ],
  };
  const bucketPolicy = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:user/carlossalazar' },
        Action: 's3:*',
        Resource: ['arn:aws:s3:::carlossalazar/*', 'arn:aws:s3:::carlossalazar'],
      },
    ],
  };
  const carlos = user('carlossalazar');

  it('denies Carlos the -logs bucket: "the identity-based policy explicitly denies Carlos access to any S3 buckets used for logging"', () => {
    const decision = authorize(request(carlos, 's3:PutObject', 'arn:aws:s3:::carlossalazar-logs/report.txt'), {
      identity: identity(carlosPolicy),
      resource: resourcePolicy(bucketPolicy),
    });
    expect(decision).toEqual({ allowed: false, reason: 'explicit deny', by: 'identity policy (Sid DenyS3Logs)' });
  });

  it('allows Carlos his own bucket: "Both the identity-based policy and the resource-based policy allow the request"', () => {
    expect(
      authorize(request(carlos, 's3:PutObject', 'arn:aws:s3:::carlossalazar/photo.jpg'), {
        identity: identity(carlosPolicy),
        resource: resourcePolicy(bucketPolicy),
      }).allowed,
    ).toBe(true);
  });

  it('"If one of the policy types allows the request and the other doesn\'t, the request is still allowed"', () => {
    const onlyBucket = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] };
    expect(
      authorize(request(carlos, 's3:GetObject', 'arn:aws:s3:::carlossalazar/a'), { identity: identity(onlyBucket), resource: resourcePolicy(bucketPolicy) })
        .allowed,
    ).toBe(true);
    expect(authorize(request(carlos, 's3:GetObject', 'arn:aws:s3:::carlossalazar/a'), { identity: identity(carlosPolicy), resource: [] }).allowed).toBe(true);
    expect(authorize(request(carlos, 's3:DeleteBucket', 'arn:aws:s3:::someone-else'), { identity: identity(carlosPolicy) })).toEqual({
      allowed: false,
      reason: 'implicit deny',
    });
  });
});

describe('explicit and implicit denies (reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay)', () => {
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'AllowGetList', Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' },
      { Sid: 'DenyReports', Effect: 'Deny', Action: 'iam:*Report', Resource: '*' },
    ],
  };
  const someone = user('someone');
  const decide = (action: string, extra: unknown[] = []) =>
    authorize(request(someone, action, '*'), { identity: [...identity(policy), ...extra.map((document) => parsePolicy(document, 'second policy'))] });

  it('allows Get and List, implicitly denies the rest, and "report-related requests are still denied because of this explicit deny"', () => {
    expect(decide('iam:GetUser').allowed).toBe(true);
    expect(decide('iam:ListRoles').allowed).toBe(true);
    expect(decide('iam:CreatePolicy')).toEqual({ allowed: false, reason: 'implicit deny' });
    expect(decide('iam:GetOrganizationsAccessReport').reason).toBe('explicit deny');
    expect(decide('iam:GenerateCredentialReport', [statement({ Effect: 'Allow', Action: 'iam:GenerateCredentialReport', Resource: '*' })]).reason).toBe(
      'explicit deny',
    );
  });

  it('gives the root user everything but what an explicit Deny refuses ("with the exception of the AWS account root user, which has full access")', () => {
    const root: RequestPrincipal = { kind: 'root', account: '123456789012' };
    expect(authorize(request(root, 's3:DeleteBucket', 'arn:aws:s3:::b'), { identity: [] }).allowed).toBe(true);
    const deny = resourcePolicy(statement({ Effect: 'Deny', Principal: '*', Action: 's3:DeleteBucket', Resource: 'arn:aws:s3:::b' }));
    expect(authorize(request(root, 's3:DeleteBucket', 'arn:aws:s3:::b'), { identity: [], resource: deny }).reason).toBe('explicit deny');
  });
});

describe('NotAction (reference_policies_elements_notaction)', () => {
  const someone = user('someone');

  it('"allows users to access all of the Amazon S3 actions ... except for deleting a bucket"', () => {
    const policy = identity(statement({ Effect: 'Allow', NotAction: 's3:DeleteBucket', Resource: 'arn:aws:s3:::*' }));
    expect(authorize(request(someone, 's3:GetObject', 'arn:aws:s3:::bucket/key'), { identity: policy }).allowed).toBe(true);
    expect(authorize(request(someone, 's3:DeleteBucket', 'arn:aws:s3:::bucket'), { identity: policy }).allowed).toBe(false);
    // "other service actions are not applicable to the S3 resources"
    expect(authorize(request(someone, 'ec2:RunInstances', 'arn:aws:ec2:us-east-1:123456789012:instance/i-1'), { identity: policy }).allowed).toBe(false);
  });

  it('"allows users to access every action in every AWS service except for IAM"', () => {
    const policy = identity(statement({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }));
    expect(authorize(request(someone, 's3:PutObject', 'arn:aws:s3:::b/k'), { identity: policy }).allowed).toBe(true);
    expect(authorize(request(someone, 'ec2:RunInstances', '*'), { identity: policy }).allowed).toBe(true);
    expect(authorize(request(someone, 'iam:CreateUser', 'arn:aws:iam::123456789012:user/x'), { identity: policy }).allowed).toBe(false);
  });

  it('"denies access to non-IAM actions if the user is not signed in using MFA" (BoolIfExists)', () => {
    const policy = identity({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyAllUsersNotUsingMFA',
          Effect: 'Deny',
          NotAction: 'iam:*',
          Resource: '*',
          Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
        },
      ],
    });
    const allowAll = parsePolicy(statement({ Effect: 'Allow', Action: '*', Resource: '*' }), 'allow all');
    const decide = (action: string, context: RequestContext) => authorize(request(someone, action, '*', context), { identity: [...policy, allowAll] });
    expect(decide('s3:GetObject', { 'aws:MultiFactorAuthPresent': 'false' }).reason).toBe('explicit deny');
    expect(decide('s3:GetObject', {}).reason).toBe('explicit deny');
    expect(decide('s3:GetObject', { 'aws:MultiFactorAuthPresent': 'true' }).allowed).toBe(true);
    expect(decide('iam:ChangePassword', { 'aws:MultiFactorAuthPresent': 'false' }).allowed).toBe(true);
  });
});

describe('NotResource (reference_policies_elements_notresource)', () => {
  const someone = user('someone');
  const hrPolicy = parsePolicy(
    { Version: '2012-10-17', Statement: { Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::HRBucket/Payroll', 'arn:aws:s3:::HRBucket/Payroll/*'] } },
    'HRPayroll',
  );
  const allowS3 = parsePolicy(statement({ Effect: 'Allow', Action: 's3:*', Resource: '*' }), 'allow s3');

  it('"explicitly denies access to all Amazon S3 resources other than the listed resources", and "does not grant the user access"', () => {
    expect(authorize(request(someone, 's3:GetObject', 'arn:aws:s3:::HRBucket/Payroll/jan.csv'), { identity: [hrPolicy] }).reason).toBe('implicit deny');
    expect(authorize(request(someone, 's3:GetObject', 'arn:aws:s3:::HRBucket/Payroll/jan.csv'), { identity: [hrPolicy, allowS3] }).allowed).toBe(true);
    expect(authorize(request(someone, 's3:GetObject', 'arn:aws:s3:::HRBucket/Other/x'), { identity: [hrPolicy, allowS3] }).reason).toBe('explicit deny');
    expect(authorize(request(someone, 's3:ListBucket', 'arn:aws:s3:::HRBucket'), { identity: [hrPolicy, allowS3] }).reason).toBe('explicit deny');
  });

  it('"allows all actions in AWS on all resources except the HRBucket S3 bucket" (the dangerous combination)', () => {
    const dangerous = identity(statement({ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::HRBucket' }));
    expect(authorize(request(someone, 'iam:PutUserPolicy', 'arn:aws:iam::123456789012:user/me'), { identity: dangerous }).allowed).toBe(true);
    expect(authorize(request(someone, 's3:ListBucket', 'arn:aws:s3:::HRBucket'), { identity: dangerous }).allowed).toBe(false);
  });
});

describe('condition operators (reference_policies_elements_condition_operators)', () => {
  const someone = user('someone', '111122223333');
  const decide = (condition: object, context: RequestContext, action = 'iam:CreateAccessKey', resource = 'arn:aws:iam::111122223333:user/x') =>
    authorize(request(someone, action, resource, context), {
      identity: identity(statement({ Effect: 'Allow', Action: action, Resource: resource, Condition: condition })),
    }).allowed;

  it('StringEquals: "If a user without the tag attempts ..., the condition returns false"', () => {
    const condition = { StringEquals: { 'aws:PrincipalTag/job-category': 'iamuser-admin' } };
    expect(decide(condition, { 'aws:PrincipalTag/job-category': 'iamuser-admin' })).toBe(true);
    expect(decide(condition, { 'aws:PrincipalTag/job-category': 'dev-ops' })).toBe(false);
    expect(decide(condition, {})).toBe(false);
  });

  it('StringLike with a policy variable: "home/${aws:username}/" resolves to the caller\'s name; no username, no match', () => {
    const condition = { StringLike: { 's3:prefix': ['', 'home/', 'home/${aws:username}/'] } };
    const list = (context: RequestContext) => decide(condition, context, 's3:ListBucket', 'arn:aws:s3:::amzn-s3-demo-bucket');
    expect(list({ 'aws:username': 'martha_rivera', 's3:prefix': 'home/martha_rivera/' })).toBe(true);
    expect(list({ 'aws:username': 'martha_rivera', 's3:prefix': 'home/nikki_wolf/' })).toBe(false);
    expect(list({ 'aws:username': 'martha_rivera', 's3:prefix': '' })).toBe(true);
    expect(list({ 's3:prefix': 'home/martha_rivera/' })).toBe(false);
  });

  it('ForAnyValue:StringEquals with StringEqualsIgnoreCase (EC2 CreateTags table)', () => {
    const condition = {
      StringEqualsIgnoreCase: { 'aws:RequestTag/environment': ['preprod', 'storage'] },
      'ForAnyValue:StringEquals': { 'aws:TagKeys': 'environment' },
    };
    const tag = (context: RequestContext) => decide(condition, context, 'ec2:CreateTags', 'arn:aws:ec2:us-east-1:111122223333:instance/i-1');
    expect(tag({ 'aws:TagKeys': ['environment'], 'aws:RequestTag/environment': 'preprod' })).toBe(true);
    expect(tag({ 'aws:TagKeys': ['environment', 'costcenter'], 'aws:RequestTag/environment': 'PreProd' })).toBe(true);
    expect(tag({ 'aws:TagKeys': ['costcenter'], 'aws:RequestTag/environment': 'preprod' })).toBe(false);
    expect(tag({ 'aws:RequestTag/environment': 'storage' })).toBe(false);
    expect(tag({ 'aws:TagKeys': ['environment'] })).toBe(false);
    expect(tag({})).toBe(false);
  });

  it('NumericLessThanEquals: "the requester can list up to 10 objects"', () => {
    const condition = { NumericLessThanEquals: { 's3:max-keys': '10' } };
    expect(decide(condition, { 's3:max-keys': '10' }, 's3:ListBucket', 'arn:aws:s3:::amzn-s3-demo-bucket')).toBe(true);
    expect(decide(condition, { 's3:max-keys': '11' }, 's3:ListBucket', 'arn:aws:s3:::amzn-s3-demo-bucket')).toBe(false);
    expect(decide(condition, {}, 's3:ListBucket', 'arn:aws:s3:::amzn-s3-demo-bucket')).toBe(false);
  });

  it('DateGreaterThan on aws:TokenIssueTime: absent for access keys, so "the request is denied"', () => {
    const condition = { DateGreaterThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' } };
    expect(decide(condition, { 'aws:TokenIssueTime': '2020-06-01T00:00:00Z' })).toBe(true);
    expect(decide(condition, { 'aws:TokenIssueTime': '2019-12-31T23:59:59Z' })).toBe(false);
    expect(decide(condition, {})).toBe(false);
  });

  it('Bool on aws:SecureTransport, BinaryEquals and IpAddress tables', () => {
    const insecure = { Bool: { 'aws:SecureTransport': 'false' } };
    expect(decide(insecure, { 'aws:SecureTransport': 'false' })).toBe(true);
    expect(decide(insecure, { 'aws:SecureTransport': 'true' })).toBe(false);
    expect(decide(insecure, {})).toBe(false);
    const binary = { BinaryEquals: { key: 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' } };
    expect(decide(binary, { key: 'QmluYXJ5VmFsdWVJbkJhc2U2NA==' })).toBe(true);
    expect(decide(binary, { key: 'ASIAIOSFODNN7EXAMPLE' })).toBe(false);
    expect(decide(binary, {})).toBe(false);
    const ip = { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } };
    expect(decide(ip, { 'aws:SourceIp': '203.0.113.1' })).toBe(true);
    expect(decide(ip, { 'aws:SourceIp': '198.51.100.1' })).toBe(false);
  });

  it('ArnEquals on aws:SourceArn (SQS queue policy for SNS), with the action written SQS:SendMessage', () => {
    const policy = resourcePolicy({
      Version: '2012-10-17',
      Statement: {
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'SQS:SendMessage',
        Resource: 'arn:aws:sqs:us-west-2:123456789012:QUEUE-ID',
        Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:us-west-2:123456789012:TOPIC-ID' } },
      },
    });
    const sns: RequestPrincipal = { kind: 'service', service: 'sns.amazonaws.com' };
    const send = (context: RequestContext) =>
      authorize(request(sns, 'sqs:SendMessage', 'arn:aws:sqs:us-west-2:123456789012:QUEUE-ID', context), { identity: [], resource: policy }).allowed;
    expect(send({ 'aws:SourceArn': 'arn:aws:sns:us-west-2:123456789012:TOPIC-ID' })).toBe(true);
    expect(send({ 'aws:SourceArn': 'arn:aws:sns:us-west-2:777788889999:TOPIC-ID' })).toBe(false);
    expect(send({})).toBe(false);
  });

  it('StringLike matches across colons where ArnLike checks "each of the six colon-delimited components" separately', () => {
    const value = 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt';
    const pattern = 'arn:aws:someservice:*:111122223333:finance/*';
    expect(decide({ StringLike: { 'aws:SourceArn': pattern } }, { 'aws:SourceArn': value })).toBe(true);
    expect(decide({ ArnLike: { 'aws:SourceArn': pattern } }, { 'aws:SourceArn': value })).toBe(false);
  });

  it('ForAllValues:ArnLike: every value must match, and a missing key matches (rows 1, 2, 4, 5 of the table)', () => {
    const condition = {
      'ForAllValues:ArnLike': {
        'logs:LogGeneratingResourceArns': ['arn:aws:cloudfront::123456789012:distribution/*', 'arn:aws:cloudfront::123456789012:distribution/support*'],
      },
    };
    expect(decide(condition, { 'logs:LogGeneratingResourceArns': ['arn:aws:cloudfront::123456789012:distribution/costcenter'] })).toBe(true);
    expect(
      decide(condition, {
        'logs:LogGeneratingResourceArns': [
          'arn:aws:cloudfront::123456789012:distribution/costcenter',
          'arn:aws:cloudfront::123456789012:distribution/support2025',
        ],
      }),
    ).toBe(true);
    expect(decide(condition, { 'logs:LogGeneratingResourceArns': ['arn:aws:cloudfront::777788889999:distribution/costcenter'] })).toBe(false);
    expect(decide(condition, {})).toBe(true);
  });

  it('...IfExists: "If the key is not present, evaluate the condition element as true"', () => {
    const condition = { StringLikeIfExists: { 'ec2:InstanceType': ['t1.*', 't2.*', 'm3.*'] } };
    expect(decide(condition, { 'ec2:InstanceType': 't1.micro' }, 'ec2:RunInstances', '*')).toBe(true);
    expect(decide(condition, { 'ec2:InstanceType': 'm2.micro' }, 'ec2:RunInstances', '*')).toBe(false);
    expect(decide(condition, {}, 'ec2:RunInstances', '*')).toBe(true);
    // Without IfExists, "the StringLike check fails" on resources without the key.
    expect(decide({ StringLike: { 'ec2:InstanceType': ['t1.*'] } }, {}, 'ec2:RunInstances', '*')).toBe(false);
  });

  it('Null: "true" means the key is absent, "false" that it is present', () => {
    expect(decide({ Null: { 'aws:TokenIssueTime': 'false' } }, { 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' }, 'ec2:RunInstances', '*')).toBe(true);
    expect(decide({ Null: { 'aws:TokenIssueTime': 'false' } }, {}, 'ec2:RunInstances', '*')).toBe(false);
    expect(decide({ Null: { 'aws:TokenIssueTime': 'true' } }, {}, 'ec2:RunInstances', '*')).toBe(true);
    expect(decide({ Null: { 'aws:TokenIssueTime': 'true' } }, { 'aws:TokenIssueTime': '2026-01-01T00:00:00Z' }, 'ec2:RunInstances', '*')).toBe(false);
  });

  it('"If the policy condition requires that the key is not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the condition is true"', () => {
    expect(decide({ StringNotLike: { 'aws:PrincipalTag/team': 'ops*' } }, {})).toBe(true);
    expect(decide({ ArnNotLike: { 'aws:SourceArn': 'arn:aws:sns:*:*:t' } }, {})).toBe(true);
    expect(decide({ StringNotLike: { 'aws:PrincipalTag/team': 'ops*' } }, { 'aws:PrincipalTag/team': 'ops-east' })).toBe(false);
  });
});

describe('multiple keys and values (reference_policies_condition-logic-multiple-context-keys-or-values)', () => {
  // Operators and keys AND together, values OR, a negated operator's values NOR.
  const condition = (arnOperator: 'ArnLike' | 'ArnNotLike') => ({
    StringEquals: { 'aws:PrincipalTag/department': ['finance', 'hr', 'legal'], 'aws:PrincipalTag/role': ['audit', 'security'] },
    [arnOperator]: { 'aws:PrincipalArn': ['arn:aws:iam::222222222222:user/Ana', 'arn:aws:iam::222222222222:user/Mary'] },
  });
  const list = (arnOperator: 'ArnLike' | 'ArnNotLike', context: RequestContext) =>
    authorize(request(user('any', '222222222222'), 's3:ListBucket', 'arn:aws:s3:::amzn-s3-demo-bucket', context), {
      identity: [],
      resource: resourcePolicy(
        statement({
          Sid: 'ExamplePolicy',
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::222222222222:user/any' },
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::amzn-s3-demo-bucket',
          Condition: condition(arnOperator),
        }),
      ),
    }).allowed;
  const user222 = (name: string) => `arn:aws:iam::222222222222:user/${name}`;

  it('StringEquals and ArnLike (policy A table)', () => {
    expect(list('ArnLike', { 'aws:PrincipalTag/department': 'legal', 'aws:PrincipalTag/role': 'audit', 'aws:PrincipalArn': user222('Mary') })).toBe(true);
    expect(list('ArnLike', { 'aws:PrincipalTag/department': 'hr', 'aws:PrincipalTag/role': 'audit', 'aws:PrincipalArn': user222('Nikki') })).toBe(false);
    expect(list('ArnLike', { 'aws:PrincipalTag/department': 'hr', 'aws:PrincipalTag/role': 'payroll', 'aws:PrincipalArn': user222('Mary') })).toBe(false);
    expect(list('ArnLike', { 'aws:PrincipalTag/department': 'hr', 'aws:PrincipalArn': user222('Mary') })).toBe(false);
    expect(list('ArnLike', { 'aws:PrincipalArn': user222('Mary') })).toBe(false);
  });

  it('StringEquals and ArnNotLike (policy B table)', () => {
    expect(list('ArnNotLike', { 'aws:PrincipalTag/department': 'legal', 'aws:PrincipalTag/role': 'audit', 'aws:PrincipalArn': user222('Nikki') })).toBe(true);
    expect(list('ArnNotLike', { 'aws:PrincipalTag/department': 'hr', 'aws:PrincipalTag/role': 'audit', 'aws:PrincipalArn': user222('Mary') })).toBe(false);
    expect(list('ArnNotLike', { 'aws:PrincipalTag/department': 'hr', 'aws:PrincipalTag/role': 'payroll', 'aws:PrincipalArn': user222('Nikki') })).toBe(false);
    expect(list('ArnNotLike', { 'aws:PrincipalTag/department': 'hr', 'aws:PrincipalArn': user222('Nikki') })).toBe(false);
    expect(list('ArnNotLike', { 'aws:PrincipalArn': user222('Nikki') })).toBe(false);
  });
});

describe('single-valued and multivalued keys (reference_policies_condition-single-vs-multi-valued-context-keys, ..._examples-multi-valued-context-keys)', () => {
  const someone = user('someone', '111122223333');
  const decide = (effect: 'Allow' | 'Deny', condition: object, context: RequestContext) => {
    const policy = parsePolicy(
      statement({ Effect: effect, Action: 'ec2:DeleteTags', Resource: 'arn:aws:ec2:us-east-1:111122223333:instance/*', Condition: condition }),
      'p',
    );
    // A Deny's "Match" is denied; measured against an allow-all so that "No match" shows as allowed.
    const rest = effect === 'Deny' ? [parsePolicy(statement({ Effect: 'Allow', Action: '*', Resource: '*' }), 'allow all')] : [];
    return authorize(request(someone, 'ec2:DeleteTags', 'arn:aws:ec2:us-east-1:111122223333:instance/i-1', context), { identity: [policy, ...rest] });
  };

  it('ForAllValues with Null: "the result is No Match because the Null condition check prevents matching when the context key is missing"', () => {
    const condition = { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['environment', 'cost-center'] }, Null: { 'aws:TagKeys': 'false' } };
    expect(decide('Allow', condition, { 'aws:TagKeys': ['environment'] }).allowed).toBe(true);
    expect(decide('Allow', condition, { 'aws:TagKeys': ['cost-center'] }).allowed).toBe(true);
    expect(decide('Allow', condition, { 'aws:TagKeys': ['environment', 'cost-center'] }).allowed).toBe(true);
    expect(decide('Allow', condition, { 'aws:TagKeys': ['environment', 'dept'] }).allowed).toBe(false);
    expect(decide('Allow', condition, {}).allowed).toBe(false);
  });

  it('ForAnyValue: "For no matching context key or if the key does not exist, the condition returns false"', () => {
    const condition = { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['environment', 'cost-center'] } };
    expect(decide('Allow', condition, { 'aws:TagKeys': ['environment'] }).allowed).toBe(true);
    expect(decide('Allow', condition, { 'aws:TagKeys': ['environment', 'dept'] }).allowed).toBe(true);
    expect(decide('Allow', condition, { 'aws:TagKeys': ['dept'] }).allowed).toBe(false);
    expect(decide('Allow', condition, {}).allowed).toBe(false);
  });

  it('Deny with ForAllValues:StringNotLike: "The ForAllValues set operator also returns true if there are no context keys in the request"', () => {
    const one = { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } };
    expect(decide('Deny', one, { 'aws:TagKeys': ['key1:legal'] }).allowed).toBe(true);
    expect(decide('Deny', one, { 'aws:TagKeys': ['key1:hr', 'key1:personnel'] }).allowed).toBe(true);
    expect(decide('Deny', one, { 'aws:TagKeys': ['key2:audit'] }).reason).toBe('explicit deny');
    expect(decide('Deny', one, {}).reason).toBe('explicit deny');
    const two = { 'ForAllValues:StringNotLike': { 'aws:TagKeys': ['key1*', 'key2*'] } };
    expect(decide('Deny', two, { 'aws:TagKeys': ['key1:hr', 'key2:audit'] }).allowed).toBe(true);
    expect(decide('Deny', two, { 'aws:TagKeys': ['key3:legal'] }).reason).toBe('explicit deny');
  });

  it('Deny with ForAnyValue:StringEquals (snapshot table)', () => {
    const condition = { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'webserver' } };
    expect(decide('Deny', condition, { 'aws:TagKeys': ['webserver'] }).reason).toBe('explicit deny');
    expect(decide('Deny', condition, { 'aws:TagKeys': ['environment', 'webserver', 'test'] }).reason).toBe('explicit deny');
    expect(decide('Deny', condition, { 'aws:TagKeys': ['environment', 'test'] }).allowed).toBe(true);
    expect(decide('Deny', condition, {}).allowed).toBe(true);
  });
});

describe('Resource and Action elements (reference_policies_elements_resource, reference_policies_elements_action)', () => {
  const someone = user('someone', '111122223333');

  it('"arn:aws:s3:::amzn-s3-demo-bucket/*/test/*" matches and misses the documented objects', () => {
    const policy = identity(statement({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::amzn-s3-demo-bucket/*/test/*' }));
    const get = (key: string) => authorize(request(someone, 's3:GetObject', `arn:aws:s3:::amzn-s3-demo-bucket/${key}`), { identity: policy }).allowed;
    for (const key of [
      '1/test/object.jpg',
      '1/2/test/object.jpg',
      '1/2/test/3/object.jpg',
      '1/2/3/test/4/object.jpg',
      '1///test///object.jpg',
      '1/test/.jpg',
      '/test/object.jpg',
      '1/test/',
    ]) {
      expect([key, get(key)]).toEqual([key, true]);
    }
    for (const key of ['1-test/object.jpg', 'test/object.jpg', '1/2/test.jpg']) expect([key, get(key)]).toEqual([key, false]);
  });

  it('policy variables in Resource: "table/${aws:username}" is the caller\'s own table', () => {
    const policy = identity(statement({ Effect: 'Allow', Action: 'dynamodb:*', Resource: 'arn:aws:dynamodb:us-east-2:111122223333:table/${aws:username}' }));
    const get = (table: string) =>
      authorize(request(someone, 'dynamodb:GetItem', `arn:aws:dynamodb:us-east-2:111122223333:table/${table}`, { 'aws:username': 'alice' }), {
        identity: policy,
      }).allowed;
    expect(get('alice')).toBe(true);
    expect(get('bob')).toBe(false);
  });

  it('"The prefix and the action name are case insensitive", and wildcards work inside action names', () => {
    const policy = identity(statement({ Effect: 'Allow', Action: ['iam:ListAccessKeys', 'iam:*AccessKey*'], Resource: '*' }));
    const can = (action: string) => authorize(request(someone, action, '*'), { identity: policy }).allowed;
    expect(can('IAM:listaccesskeys')).toBe(true);
    for (const action of ['iam:CreateAccessKey', 'iam:DeleteAccessKey', 'iam:UpdateAccessKey']) expect(can(action)).toBe(true);
    expect(can('iam:CreateUser')).toBe(false);
  });
});

describe('service principals (Lambda, SES and EventBridge guides)', () => {
  // access-control-resource-based: "allows Amazon S3 to invoke a function named my-function for a bucket named amzn-s3-demo-bucket".
  const lambdaPolicy = resourcePolicy({
    Version: '2012-10-17',
    Id: 'default',
    Statement: [
      {
        Sid: 'lambda-allow-s3-my-function',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'lambda:InvokeFunction',
        Resource: 'arn:aws:lambda:us-east-2:123456789012:function:my-function',
        Condition: { StringEquals: { 'AWS:SourceAccount': '123456789012' }, ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::amzn-s3-demo-bucket' } },
      },
    ],
  });
  const invoke = (service: string, context: RequestContext) =>
    authorize(request({ kind: 'service', service }, 'lambda:InvokeFunction', 'arn:aws:lambda:us-east-2:123456789012:function:my-function', context), {
      identity: [],
      resource: lambdaPolicy,
    }).allowed;

  it('lets S3 invoke the function for that bucket and account only', () => {
    expect(invoke('s3.amazonaws.com', { 'aws:SourceAccount': '123456789012', 'aws:SourceArn': 'arn:aws:s3:::amzn-s3-demo-bucket' })).toBe(true);
    expect(invoke('s3.amazonaws.com', { 'aws:SourceAccount': '123456789012', 'aws:SourceArn': 'arn:aws:s3:::other-bucket' })).toBe(false);
    expect(invoke('s3.amazonaws.com', { 'aws:SourceAccount': '444455556666', 'aws:SourceArn': 'arn:aws:s3:::amzn-s3-demo-bucket' })).toBe(false);
    expect(invoke('s3.amazonaws.com', {})).toBe(false);
    expect(invoke('sns.amazonaws.com', { 'aws:SourceAccount': '123456789012', 'aws:SourceArn': 'arn:aws:s3:::amzn-s3-demo-bucket' })).toBe(false);
  });

  it('lets SES write received mail with the bucket policy of receiving-email-permissions, for that rule only', () => {
    const rule = 'arn:aws:ses:us-west-2:111122223333:receipt-rule-set/rule_set_name:receipt-rule/receipt_rule_name';
    const bucket = resourcePolicy({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowSESPuts',
          Effect: 'Allow',
          Principal: { Service: 'ses.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: 'arn:aws:s3:::myBucket/*',
          Condition: { StringEquals: { 'AWS:SourceAccount': '111122223333', 'AWS:SourceArn': rule } },
        },
      ],
    });
    const ses = (action: string, sourceArn: string) =>
      authorize(
        request({ kind: 'service', service: 'ses.amazonaws.com' }, action, 'arn:aws:s3:::myBucket/emails/abc', {
          'aws:SourceAccount': '111122223333',
          'aws:SourceArn': sourceArn,
        }),
        {
          identity: [],
          resource: bucket,
        },
      ).allowed;
    expect(ses('s3:PutObject', rule)).toBe(true);
    expect(ses('s3:PutObject', rule.replace('receipt_rule_name', 'other_rule'))).toBe(false);
    expect(ses('s3:GetObject', rule)).toBe(false);
  });

  it('ignores an account principal as a grant of its own: the identity policy must allow too', () => {
    const account = resourcePolicy(
      statement({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }),
    );
    const role: RequestPrincipal = {
      kind: 'role',
      account: '123456789012',
      roleArn: 'arn:aws:iam::123456789012:role/r',
      sessionArn: 'arn:aws:sts::123456789012:assumed-role/r/fn',
    };
    expect(authorize(request(role, 's3:GetObject', 'arn:aws:s3:::b/k'), { identity: [], resource: account }).allowed).toBe(false);
    const ownRole = resourcePolicy(statement({ Effect: 'Allow', Principal: { AWS: role.roleArn }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }));
    expect(authorize(request(role, 's3:GetObject', 'arn:aws:s3:::b/k'), { identity: [], resource: ownRole }).allowed).toBe(true);
  });
});

describe('malformed policies are refused as IAM refuses them', () => {
  it('names what is wrong', () => {
    expect(() => parsePolicy(statement({ Effect: 'Allow', Action: 's3:*', NotAction: 's3:x', Resource: '*' }), 'p')).toThrow(
      'exactly one of Action and NotAction',
    );
    expect(() => parsePolicy(statement({ Effect: 'allow', Action: 's3:*', Resource: '*' }), 'p')).toThrow('Effect must be "Allow" or "Deny"');
    expect(() => parsePolicy(statement({ Effect: 'Allow', Action: 's3:*' }), 'p')).toThrow('needs Resource or NotResource');
    expect(() => parsePolicy(statement({ Effect: 'Allow', Action: 's3:*', Resource: '*' }), 'p', { resourcePolicy: true })).toThrow('needs a Principal');
    expect(() => parsePolicy({ Version: '2012-10-18', Statement: [] }, 'p')).toThrow('Version must be "2012-10-17"');
    expect(() => parsePolicy(statement({ Effect: 'Allow', Action: 's3:*', Resource: '*', Resources: 'x' }), 'p')).toThrow(
      'unknown statement element(s): Resources',
    );
  });
});
