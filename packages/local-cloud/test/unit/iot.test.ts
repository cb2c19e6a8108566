import { describe, expect, it } from '@jest/globals';
import { type CloudContext, FunctionRegistry } from '../../src/context';
import { Resolver } from '../../src/services/cloudformation/intrinsics';
import { iotModule, topicMatches } from '../../src/services/iot/module';

describe('topicMatches', () => {
  it.each([
    ['iotbutton/+', 'iotbutton/G030', true],
    ['iotbutton/+', 'iotbutton/G030/extra', false],
    ['iotbutton/+', 'iotbutton', false],
    ['iotbutton/#', 'iotbutton/a/b', true],
    ['#', 'anything/at/all', true],
    ['a/+/c', 'a/b/c', true],
    ['a/b', 'a/c', false],
  ])('%s against %s is %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});

describe('creating a topic rule', () => {
  // IoT's CreateTopicRule constraint, which the local cloud applies whether or not cfn-lint ran first.
  it('refuses a rule name with a hyphen, as AWS does', async () => {
    const template = {
      service: 'svc',
      stage: 'dev',
      region: 'us-east-1',
      dir: '/x',
      artifactsDir: '/x/.serverless',
      file: '/x/t.json',
      outputs: {},
      conditions: {},
      resources: {
        Rule: { Type: 'AWS::IoT::TopicRule', Properties: { RuleName: 'svc-dev_buttons', TopicRulePayload: { Sql: "SELECT * FROM 'a/+'", Actions: [] } } },
      },
    };
    const resolver = new Resolver(template, 'us-east-1');
    const context = { resolvers: new Map([['svc', resolver]]), functions: new FunctionRegistry(), log: () => undefined } as unknown as CloudContext;
    const create = iotModule().creates?.['AWS::IoT::TopicRule'];
    await expect(create?.({ template, resolver, logicalId: 'Rule', properties: template.resources.Rule.Properties }, context)).rejects.toThrow(
      "InvalidRequestException: 1 validation error detected: Value 'svc-dev_buttons' at 'ruleName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_]+$",
    );
    template.resources.Rule.Properties.RuleName = 'svc_dev_buttons';
    await expect(create?.({ template, resolver, logicalId: 'Rule', properties: template.resources.Rule.Properties }, context)).resolves.toBeUndefined();
  });
});
