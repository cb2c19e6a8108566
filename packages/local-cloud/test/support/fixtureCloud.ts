// A local cloud of small inline templates (moto's habit: each test writes the template it needs), in
// this process, on its own ports: what a template declares is created, or refused, as in AWS.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { type LocalCloud, startLocalCloud } from '../../src/index';
import type { CfnResource } from '../../src/services/cloudformation/template';

const handlers = readFileSync(new URL('../fixtures/functions/handlers.mjs', import.meta.url));

/** A role the service may assume, whose inline policy is `statements`. */
export function fixtureRole(service: string, statements: unknown[] = []): CfnResource {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] },
      Policies: statements.length ? [{ PolicyName: 'fixture', PolicyDocument: { Version: '2012-10-17', Statement: statements } }] : [],
    },
  };
}

/** A function running the fixture handlers, with a role Lambda may assume whose inline policy is `statements`. */
export function fixtureFunction(name: string, handler: string, statements: unknown[] = []): Record<string, CfnResource> {
  return {
    [`${name}Role`]: fixtureRole('lambda.amazonaws.com', statements),
    [name]: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        FunctionName: `fixture-dev-${name}`,
        Runtime: 'nodejs22.x',
        Handler: `handlers.${handler}`,
        Role: { 'Fn::GetAtt': [`${name}Role`, 'Arn'] },
        Code: { S3Bucket: 'fixture-artifacts', S3Key: 'fixture.zip' },
        Timeout: 5,
      },
    },
  };
}

/** A root with one service, "fixture", compiled to these resources, as `serverless package` leaves it. */
export function fixtureRoot(resources: Record<string, CfnResource>): string {
  const root = mkdtempSync(join(tmpdir(), 'fixture-cloud-'));
  const dir = join(root, 'services', 'fixture');
  const artifacts = join(dir, '.serverless');
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(dir, 'serverless.yml'), 'service: fixture\n');
  writeFileSync(
    join(artifacts, 'cloudformation-template-update-stack.json'),
    JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources }, null, 2),
  );
  writeFileSync(join(artifacts, 'serverless-state.json'), JSON.stringify({ service: { service: 'fixture', provider: { stage: 'dev', region: 'us-east-1' } } }));
  writeFileSync(join(artifacts, 'fixture.zip'), zipSync({ 'handlers.mjs': new Uint8Array(handlers) }));
  return root;
}

/** Starts a local cloud on the fixture; its log lines are kept for the test to read. */
export async function startFixtureCloud(resources: Record<string, CfnResource>, portBase: number): Promise<LocalCloud & { lines: string[]; root: string }> {
  const root = fixtureRoot(resources);
  const lines: string[] = [];
  const cloud = await startLocalCloud({ root, portBase, log: (line) => lines.push(line) });
  return { ...cloud, lines, root };
}

/**
 * A receipt rule `ruleName` for `recipients`, storing mail under inbox/ in a bucket whose policy grants
 * SES `grant` (or, without one, grants nothing SES can use).
 */
export function receivingFixture(ruleName: string, recipients: string[], grant?: { sourceArn: string }): Record<string, CfnResource> {
  return {
    Mail: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'fixture-dev-mail' } },
    MailPolicy: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: { Ref: 'Mail' },
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: grant ? 'ses.amazonaws.com' : 's3.amazonaws.com' },
              Action: 's3:PutObject',
              Resource: { 'Fn::Sub': '${Mail.Arn}/*' },
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' }, 'aws:SourceArn': grant?.sourceArn ?? 'x' } },
            },
          ],
        },
      },
    },
    RuleSet: { Type: 'AWS::SES::ReceiptRuleSet', Properties: { RuleSetName: 'fixture-dev' } },
    Rule: {
      Type: 'AWS::SES::ReceiptRule',
      DependsOn: 'MailPolicy',
      Properties: {
        RuleSetName: { Ref: 'RuleSet' },
        Rule: {
          Name: ruleName,
          Enabled: true,
          Recipients: recipients,
          Actions: [{ S3Action: { BucketName: { Ref: 'Mail' }, ObjectKeyPrefix: 'inbox/' } }],
        },
      },
    },
  };
}
