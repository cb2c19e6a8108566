// The checks between a compiled template and AWS, on small templates with one defect each. Every
// defect is caught with a message naming the service, resource and rule; the same template without
// the defect passes (so a check that always fails would fail these tests too).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { cfnLintFindings, findCfnLint, ignoredChecks } from '../../src/checks/cfnLint';
import { describeFinding, type Finding } from '../../src/checks/finding';
import { checkTemplates } from '../../src/checks/index';
import { literalNameFindings } from '../../src/checks/literalNames';
import { policyFindings, servicesNamed } from '../../src/checks/policies';
import type { CfnOutput, CfnResource, ServiceTemplate } from '../../src/services/cloudformation/template';
import { IamCatalog } from '../../src/services/iam/catalog';

const root = mkdtempSync(join(tmpdir(), 'template-checks-'));
let count = 0;

/** A service template on disk (cfn-lint reads files): a table, a function allowed to update it, an IoT rule invoking it. */
function fixture(change: (resources: Record<string, CfnResource>, outputs: Record<string, CfnOutput>) => void = () => undefined): ServiceTemplate {
  const resources: Record<string, CfnResource> = {
    Table: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        TableName: 'svc-dev-table',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      },
    },
    Role: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] }],
        },
        Policies: [
          {
            PolicyName: 'svc',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: ['dynamodb:UpdateItem'], Resource: { 'Fn::GetAtt': ['Table', 'Arn'] } }],
            },
          },
        ],
      },
    },
    Fn: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        FunctionName: 'svc-dev-press',
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
        Code: { ZipFile: 'export const handler = async () => {};' },
        Environment: { Variables: { TABLE: { Ref: 'Table' } } },
      },
    },
    Rule: {
      Type: 'AWS::IoT::TopicRule',
      Properties: {
        RuleName: 'svc_dev_buttons',
        TopicRulePayload: {
          Sql: "SELECT * FROM 'iotbutton/+'",
          AwsIotSqlVersion: '2016-03-23',
          Actions: [{ Lambda: { FunctionArn: { 'Fn::GetAtt': ['Fn', 'Arn'] } } }],
        },
      },
    },
    Permission: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: { 'Fn::GetAtt': ['Fn', 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'iot.amazonaws.com',
        SourceArn: { 'Fn::Sub': 'arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:rule/${Rule}' },
      },
    },
  };
  const outputs: Record<string, CfnOutput> = { TableName: { Value: { Ref: 'Table' } } };
  change(resources, outputs);
  count += 1;
  const dir = join(root, `fixture-${count}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'cloudformation-template-update-stack.json');
  writeFileSync(file, JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources, Outputs: outputs }, null, 2));
  return { service: 'svc', stage: 'dev', region: 'us-east-1', dir, artifactsDir: dir, file, resources, outputs, conditions: {} };
}

const catalog = () => new IamCatalog().load(['dynamodb', 'sqs', 's3', 'lambda', 'iot', 'sts', 'ses']);
const rules = (findings: Finding[]) => findings.map((finding) => finding.rule);
/** The statements of the role's inline policy, to change in place. */
const policy = (resources: Record<string, CfnResource>) => {
  const policies = (resources.Role?.Properties?.Policies ?? []) as Array<{ PolicyDocument: { Statement: Array<Record<string, unknown>> } }>;
  return policies[0]?.PolicyDocument.Statement ?? [];
};

describe('the IAM catalog check', () => {
  it('passes the fixture as it is', async () => {
    const template = fixture();
    expect(policyFindings(template, await catalog()).findings).toEqual([]);
  });

  it('names an action AWS does not have', async () => {
    const template = fixture((resources) => {
      (policy(resources)[0] as { Action: string[] }).Action = ['dynamodb:UpdateItems'];
    });
    const [finding] = policyFindings(template, await catalog()).findings;
    expect(finding && describeFinding(finding)).toBe(
      'svc: Role: IAM-ACTION "dynamodb:UpdateItems" is not an action of dynamodb in AWS\'s IAM catalog (Resources/Role/Properties/Policies/0/PolicyDocument/Statement/0)',
    );
  });

  it('names a resource of the wrong type for its action', async () => {
    const template = fixture((resources) => {
      policy(resources).push({ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: { 'Fn::GetAtt': ['Table', 'Arn'] } });
    });
    const findings = policyFindings(template, await catalog()).findings;
    expect(rules(findings)).toEqual(['IAM-RESOURCE', 'IAM-RESOURCE']);
    expect(findings[0]?.message).toBe(
      '"arn:aws:dynamodb:us-east-1:000000000000:table/svc-dev-table" is not a resource of sqs:SendMessage: AWS names those arn:${Partition}:sqs:${Region}:${Account}:${QueueName}',
    );
    expect(findings[1]?.message).toContain('sqs:SendMessage acts on arn:${Partition}:sqs:${Region}:${Account}:${QueueName}, and none of the statement');
  });

  it('tells an index from its table, and wants "*" for an action that takes no resource', async () => {
    const indexOnly = fixture((resources) => {
      (policy(resources)[0] as { Resource: unknown }).Resource = { 'Fn::Sub': '${Table.Arn}/index/*' };
    });
    expect(rules(policyFindings(indexOnly, await catalog()).findings)).toEqual(['IAM-RESOURCE', 'IAM-RESOURCE']);
    const listOnTable = fixture((resources) => {
      policy(resources).push({ Effect: 'Allow', Action: ['sqs:ListQueues'], Resource: { 'Fn::GetAtt': ['Table', 'Arn'] } });
    });
    expect(policyFindings(listOnTable, await catalog()).findings.map((finding) => finding.message)).toContain(
      'sqs:ListQueues takes no resource: only "Resource": "*" grants it, so this statement grants it nothing',
    );
  });

  it('refuses every-action wildcards, unknown condition operators, and keys the local cloud does not supply', async () => {
    const template = fixture((resources) => {
      policy(resources).push(
        { Effect: 'Allow', Action: ['s3:*'], Resource: 'arn:aws:s3:::b/*' },
        { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: '*', Condition: { StringEqualz: { 'aws:SourceAccount': '1' } } },
        { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['a'] } } },
      );
    });
    const findings = policyFindings(template, await catalog()).findings;
    expect(findings.map((finding) => [finding.rule, finding.message])).toEqual([
      ['IAM-WILDCARD', 'allows every s3 action ("s3:*"): name the actions it needs'],
      ['IAM-CONDITION', '"StringEqualz" is not an IAM condition operator'],
      ['IAM-CONDITION', 'the local cloud does not supply condition key "dynamodb:LeadingKeys", so it would decide this statement differently from AWS'],
    ]);
  });

  it('refuses managed policies, whose statements the local cloud cannot read', async () => {
    const template = fixture((resources) => {
      (resources.Role as { Properties: Record<string, unknown> }).Properties.ManagedPolicyArns = ['arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess'];
    });
    expect(rules(policyFindings(template, await catalog()).findings)).toEqual(['IAM-MANAGED']);
  });

  it('reads a Lambda permission as the statement AddPermission writes, and a malformed policy as IAM refuses it', async () => {
    const wrongAction = fixture((resources) => {
      (resources.Permission as { Properties: Record<string, unknown> }).Properties.Action = 'lambda:Invoke';
    });
    expect(policyFindings(wrongAction, await catalog()).findings.map((finding) => finding.message)).toEqual([
      '"lambda:Invoke" is not an action of lambda in AWS\'s IAM catalog',
    ]);
    const malformed = fixture((resources) => {
      delete policy(resources)[0]?.Resource;
    });
    expect(policyFindings(malformed, await catalog()).findings.map((finding) => finding.rule)).toEqual(['IAM-MALFORMED']);
  });

  it('finds the services a template names, to load only those', () => {
    expect(servicesNamed(fixture()).sort()).toEqual(['dynamodb', 'lambda', 'sts']);
  });
});

describe('the creation-order check', () => {
  it('passes resources that refer to each other with Ref, Fn::GetAtt or Fn::Sub', () => {
    expect(literalNameFindings(fixture())).toEqual([]);
  });

  it('finds a resource naming another by a literal string with nothing ordering the two (a bucket policy naming its bucket)', () => {
    const template = fixture((resources) => {
      resources.Bucket = { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'svc-dev-mail' } };
      resources.BucketPolicy = {
        Type: 'AWS::S3::BucketPolicy',
        Properties: {
          Bucket: 'svc-dev-mail',
          PolicyDocument: {
            Statement: [{ Effect: 'Allow', Principal: { Service: 'ses.amazonaws.com' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::svc-dev-mail/*' }],
          },
        },
      };
      // The function's environment names a topic by its ARN; the table, by name too, is ordered through the role.
      resources.Topic = { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'svc-dev-alerts' } };
      const environment = resources.Fn?.Properties?.Environment as { Variables: Record<string, unknown> };
      Object.assign(environment.Variables, { TABLE: 'svc-dev-table', ALERTS: { 'Fn::Sub': 'arn:aws:sns:${AWS::Region}:${AWS::AccountId}:svc-dev-alerts' } });
    });
    const findings = literalNameFindings(template);
    expect(findings.map((finding) => `${finding.resource} -> ${finding.message.split(' by ')[0]}`)).toEqual([
      'Fn -> names Topic ("svc-dev-alerts")',
      'BucketPolicy -> names Bucket ("svc-dev-mail")',
    ]);
    expect(describeFinding(findings[1] as Finding)).toContain('svc: BucketPolicy: DEPENDENCY names Bucket ("svc-dev-mail") by a literal string');
    expect(findings[1]?.message).toContain('Refer to it with !Ref Bucket (or !GetAtt), or add DependsOn: Bucket');
  });

  it('accepts the same literal once a Ref, a DependsOn or the other direction orders the two, and leaves policies alone', () => {
    const template = fixture((resources) => {
      resources.Bucket = { Type: 'AWS::S3::Bucket', DependsOn: 'Permission', Properties: { BucketName: 'svc-dev-mail' } };
      resources.RuleSet = { Type: 'AWS::SES::ReceiptRuleSet', Properties: { RuleSetName: 'svc-dev-rules' } };
      resources.BucketPolicy = {
        Type: 'AWS::S3::BucketPolicy',
        DependsOn: ['Bucket'],
        Properties: {
          Bucket: 'svc-dev-mail',
          // A bucket policy's condition may name a receipt rule set that comes later: policies are read at request time.
          PolicyDocument: {
            Statement: [{ Condition: { StringEquals: { 'aws:SourceArn': 'arn:aws:ses:us-east-1:1:receipt-rule-set/svc-dev-rules:receipt-rule/r' } } }],
          },
        },
      };
      // The permission names the bucket, but the bucket waits for it: ordered the other way.
      (resources.Permission as { Properties: Record<string, unknown> }).Properties.SourceArn = 'arn:aws:s3:::svc-dev-mail';
      // IAM reads policies at request time: a literal there orders nothing and needs nothing.
      policy(resources).push({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::svc-dev-mail/*' });
    });
    expect(literalNameFindings(template)).toEqual([]);
  });

  it("does not take a resource's own name for a reference to another with the same name", () => {
    const template = fixture((resources) => {
      resources.Pool = { Type: 'AWS::Cognito::UserPool', Properties: { UserPoolName: 'svc-dev-table' } };
    });
    expect(literalNameFindings(template)).toEqual([]);
  });
});

// cfn-lint is AWS's linter, installed on these machines; in CI (CI=true) it must be there, elsewhere
// `npm test` prints one loud line when it is missing and these cases cannot run.
const cfnLint = await findCfnLint();
(cfnLint || process.env.CI === 'true' ? describe : describe.skip)('cfn-lint on fixture templates', () => {
  const lint = async (template: ServiceTemplate) => {
    if (!cfnLint) throw new Error('cfn-lint is required here (CI=true): pipx install cfn-lint');
    return (await cfnLintFindings(root, [template], cfnLint)).get('svc') ?? [];
  };

  it('passes the fixture as it is', async () => {
    expect(await lint(fixture())).toEqual([]);
  }, 30_000);

  it('finds an IoT rule name with a hyphen (E3031), as a deploy would fail on it', async () => {
    const findings = await lint(
      fixture((resources) => {
        (resources.Rule as { Properties: Record<string, unknown> }).Properties.RuleName = 'svc-dev_buttons';
      }),
    );
    expect(findings.map((finding) => [finding.rule, finding.resource, finding.level])).toEqual([['E3031', 'Rule', 'error']]);
    expect(describeFinding(findings[0] as Finding)).toMatch(
      /^svc: Rule: E3031 'svc-dev_buttons' does not match '\^\[a-zA-Z0-9_\]\+\$' \(Resources\/Rule\/Properties\/RuleName \(line \d+\)\)$/,
    );
  }, 30_000);

  it('finds two outputs merged into one (E6101)', async () => {
    const findings = await lint(
      fixture((_resources, outputs) => {
        outputs.TableName = { Value: { Ref: 'Table', 'Fn::Sub': 'arn:aws:states:${AWS::Region}:${AWS::AccountId}:stateMachine:x' } };
      }),
    );
    expect(findings.map((finding) => [finding.rule, finding.path.split(' ')[0]])).toEqual([['E6101', 'Outputs/TableName/Value']]);
  }, 30_000);

  it('reads a linted template back instead of linting it again, and lints it again once it changed', async () => {
    const template = fixture();
    await lint(template);
    // A cfn-lint that cannot run proves the second answer came from the cache.
    const broken = { path: '/nonexistent/cfn-lint', version: cfnLint?.version ?? '' };
    expect((await cfnLintFindings(root, [template], broken)).get('svc')).toEqual([]);
    writeFileSync(template.file, JSON.stringify({ Resources: { Nothing: { Type: 'AWS::SQS::Queue', Properties: { Bogus: 1 } } } }));
    await expect(cfnLintFindings(root, [template], broken)).rejects.toThrow();
  }, 30_000);
});

describe('all the checks together', () => {
  it('report a template the local cloud cannot resolve as its own finding, and check the others', async () => {
    const importing = fixture((resources) => {
      (policy(resources)[0] as { Resource: unknown }).Resource = { 'Fn::ImportValue': 'shared-table-arn' };
    });
    const fine = { ...fixture(), service: 'other' };
    const checks = await checkTemplates(root, [importing, fine]);
    expect(checks.findings.get('svc')?.filter((finding) => finding.check !== 'cfn-lint')).toEqual([
      expect.objectContaining({ rule: 'UNRESOLVED', message: 'svc: the local cloud cannot resolve Fn::ImportValue' }),
    ]);
    expect(checks.findings.get('other')).toEqual([]);
    expect(checks.figures).toMatchObject({ templates: 2, resources: 10 });
  }, 30_000);
});

describe('the cfn-lint configuration', () => {
  it('gives each check the repository ignores its reason', () => {
    const config = readFileSync(new URL('../../../../.cfnlintrc.yaml', import.meta.url), 'utf8');
    expect(ignoredChecks(config).map((ignored) => ignored.rule)).toEqual(['W3005']);
  });

  it('takes an ignored check only with its reason', () => {
    expect(ignoredChecks('ignore_checks:\n  - W3005 # generated, harmless\n')).toEqual([{ rule: 'W3005', reason: 'generated, harmless' }]);
    expect(() => ignoredChecks('ignore_checks:\n  - W3005\n')).toThrow('W3005 is ignored without a reason');
  });
});
