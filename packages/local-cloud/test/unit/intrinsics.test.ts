import { describe, expect, it } from '@jest/globals';
import { applyConditions, evaluateConditions } from '../../src/services/cloudformation/conditions';
import { Resolver } from '../../src/services/cloudformation/intrinsics';
import { reportLine } from '../../src/services/lambda/runtime';

const template = {
  service: 'svc',
  stage: 'dev',
  region: 'eu-west-1',
  dir: '/x',
  artifactsDir: '/x/.serverless',
  file: '/x/.serverless/cloudformation-template-update-stack.json',
  outputs: {},
  conditions: {},
  resources: { Table: { Type: 'AWS::DynamoDB::Table' }, Fn: { Type: 'AWS::Lambda::Function' }, Role: { Type: 'AWS::IAM::Role' } },
};

describe('Resolver', () => {
  const resolver = new Resolver(template, 'eu-west-1');
  resolver.register('Table', {
    ref: 'svc-dev-table',
    attributes: { Arn: 'arn:aws:dynamodb:eu-west-1:000000000000:table/svc-dev-table', StreamArn: 'stream-arn' },
  });

  it('resolves Ref, GetAtt (both forms), Sub, Join, Select and Split', () => {
    expect(resolver.resolve({ Ref: 'Table' })).toBe('svc-dev-table');
    expect(resolver.resolve({ 'Fn::GetAtt': ['Table', 'StreamArn'] })).toBe('stream-arn');
    expect(resolver.resolve({ 'Fn::GetAtt': 'Table.Arn' })).toContain(':table/svc-dev-table');
    expect(resolver.resolve({ 'Fn::Sub': 'arn:aws:states:${AWS::Region}:${AWS::AccountId}:stateMachine:${Table}-${!Literal}' })).toBe(
      'arn:aws:states:eu-west-1:000000000000:stateMachine:svc-dev-table-${Literal}',
    );
    expect(resolver.resolve({ 'Fn::Sub': ['${A}/${Table.Arn}', { A: { Ref: 'AWS::StackName' } }] })).toBe(
      'svc-dev/arn:aws:dynamodb:eu-west-1:000000000000:table/svc-dev-table',
    );
    expect(resolver.resolve({ 'Fn::Join': ['-', ['a', { Ref: 'AWS::Partition' }]] })).toBe('a-aws');
    expect(resolver.resolve({ 'Fn::Select': [1, { 'Fn::Split': [',', 'x,y,z'] }] })).toBe('y');
    expect(resolver.resolve({ nested: [{ Ref: 'AWS::URLSuffix' }] })).toEqual({ nested: ['amazonaws.com'] });
  });

  it('names unregistered resources as CloudFormation does (stack-logicalId) and fails clearly on the unknown', () => {
    expect(resolver.resolve({ 'Fn::GetAtt': ['Role', 'Arn'] })).toBe('arn:aws:iam::000000000000:role/svc-dev-Role');
    expect(resolver.resolve({ Ref: 'Fn' })).toBe('svc-dev-Fn');
    expect(() => resolver.resolve({ Ref: 'Missing' })).toThrow('svc: Ref to unknown resource Missing');
    expect(() => resolver.resolve({ 'Fn::GetAtt': ['Fn', 'SnapStartResponse'] })).toThrow('cannot resolve Fn.SnapStartResponse');
    expect(() => resolver.resolve({ 'Fn::ImportValue': 'x' })).toThrow('the local cloud cannot resolve Fn::ImportValue');
  });

  it('refuses an intrinsic function beside other keys, as CloudFormation does (two outputs merged into one)', () => {
    const merged = { Ref: 'Table', 'Fn::Sub': 'arn:aws:states:${AWS::Region}:${AWS::AccountId}:stateMachine:x' };
    expect(() => resolver.resolve(merged)).toThrow('svc: Ref must be the only key of its object, not one of Ref, Fn::Sub');
  });
});

describe('reportLine', () => {
  it('prints what Lambda prints, with the init duration only on a cold start', () => {
    expect(reportLine({ requestId: 'r', durationMs: 12.345, memoryMb: 256, maxMemoryMb: 80, initMs: 150.5 })).toBe(
      'REPORT RequestId: r\tDuration: 12.35 ms\tBilled Duration: 163 ms\tMemory Size: 256 MB\tMax Memory Used: 80 MB\tInit Duration: 150.50 ms',
    );
    expect(reportLine({ requestId: 'r', durationMs: 1.2, memoryMb: 128, maxMemoryMb: 70 })).not.toContain('Init Duration');
  });
});

// Conditions as CloudFormation documents them:
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/conditions-section-structure.html and
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-conditions.html
describe('Conditions', () => {
  const pseudo = { 'AWS::Region': 'us-east-1', 'AWS::StackName': 'svc-prod' };

  it('evaluates Fn::Equals, Fn::Not, Fn::And, Fn::Or and Condition', () => {
    const conditions = evaluateConditions(
      {
        HasEmail: { 'Fn::Not': [{ 'Fn::Equals': ['', 'ops@example.com'] }] },
        NoEmail: { 'Fn::Equals': ['', ''] },
        InUsEast1: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
        Both: { 'Fn::And': [{ Condition: 'HasEmail' }, { Condition: 'InUsEast1' }] },
        Either: { 'Fn::Or': [{ Condition: 'NoEmail' }, { 'Fn::Equals': ['a', 'b'] }] },
      },
      pseudo,
    );
    expect(conditions).toEqual({ HasEmail: true, NoEmail: true, InUsEast1: true, Both: true, Either: true });
  });

  it('refuses what CloudFormation refuses: an unknown condition, a cycle, a function that is no condition', () => {
    expect(() => evaluateConditions({ A: { Condition: 'Missing' } }, pseudo)).toThrow('Unresolved dependencies [Missing]');
    expect(() => evaluateConditions({ A: { Condition: 'B' }, B: { Condition: 'A' } }, pseudo)).toThrow('Circular dependency between conditions');
    expect(() => evaluateConditions({ A: { 'Fn::Join': ['', []] } }, pseudo)).toThrow('is not a condition function');
    expect(() => evaluateConditions({ A: { 'Fn::Equals': ['x'] } }, pseudo)).toThrow('Fn::Equals takes two values');
  });

  it('leaves out the resources and outputs whose condition is false', () => {
    const resources = { Always: { Type: 'AWS::SNS::Topic' }, Operator: { Type: 'AWS::SNS::Subscription', Condition: 'HasEmail' } };
    expect(Object.keys(applyConditions(resources, { HasEmail: false }, 'resource'))).toEqual(['Always']);
    expect(Object.keys(applyConditions(resources, { HasEmail: true }, 'resource'))).toEqual(['Always', 'Operator']);
    expect(() => applyConditions(resources, {}, 'resource')).toThrow('Unresolved dependencies [HasEmail]');
  });

  it('resolves Fn::If, leaving out a property or list item that is AWS::NoValue', () => {
    const resolver = new Resolver({ ...template, conditions: { Prod: false } }, 'eu-west-1');
    expect(resolver.resolve({ A: { 'Fn::If': ['Prod', 'big', 'small'] }, B: { 'Fn::If': ['Prod', 1, { Ref: 'AWS::NoValue' }] } })).toEqual({ A: 'small' });
    expect(resolver.resolve(['x', { 'Fn::If': ['Prod', 'y', { Ref: 'AWS::NoValue' }] }])).toEqual(['x']);
    expect(() => resolver.resolve({ 'Fn::If': ['Missing', 1, 2] })).toThrow('Fn::If names the unknown condition Missing');
  });
});
