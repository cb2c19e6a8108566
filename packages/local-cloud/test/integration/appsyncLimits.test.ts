// AppSync's per-request limits, as https://docs.aws.amazon.com/appsync/latest/devguide/configuration-limits.html
// describes them: past QueryDepthLimit, fields read null with QueryDepthLimitReached; past
// ResolverCountLimit, resolvers are not run and read null with ResolverExecutionLimitReached.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LocalCloud } from '../../src/index';
import type { CfnResource } from '../../src/services/cloudformation/template';
import { fixtureFunction, fixtureRole, startFixtureCloud } from '../support/fixtureCloud';

const api = (properties: Record<string, unknown>): Record<string, CfnResource> => ({
  Graph: { Type: 'AWS::AppSync::GraphQLApi', Properties: { Name: 'fixture-dev', AuthenticationType: 'API_KEY', ...properties } },
  Schema: {
    Type: 'AWS::AppSync::GraphQLSchema',
    Properties: {
      ApiId: { 'Fn::GetAtt': ['Graph', 'ApiId'] },
      Definition: 'type Info { fieldName: String } type Event { info: Info } type Echo { invocations: Int, event: Event } type Query { echo: Echo }',
    },
  },
  Key: { Type: 'AWS::AppSync::ApiKey', Properties: { ApiId: { 'Fn::GetAtt': ['Graph', 'ApiId'] } } },
  ...fixtureFunction('Echo', 'echo'),
  EchoSourceRole: fixtureRole('appsync.amazonaws.com', [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': ['Echo', 'Arn'] } }]),
  EchoSource: {
    Type: 'AWS::AppSync::DataSource',
    Properties: {
      ApiId: { 'Fn::GetAtt': ['Graph', 'ApiId'] },
      Name: 'echo',
      Type: 'AWS_LAMBDA',
      LambdaConfig: { LambdaFunctionArn: { 'Fn::GetAtt': ['Echo', 'Arn'] } },
      ServiceRoleArn: { 'Fn::GetAtt': ['EchoSourceRole', 'Arn'] },
    },
  },
  EchoResolver: {
    Type: 'AWS::AppSync::Resolver',
    DependsOn: 'Schema',
    Properties: {
      ApiId: { 'Fn::GetAtt': ['Graph', 'ApiId'] },
      TypeName: 'Query',
      FieldName: 'echo',
      DataSourceName: { 'Fn::GetAtt': ['EchoSource', 'Name'] },
      Kind: 'UNIT',
    },
  },
});

type Answer = { data: Record<string, unknown> | null; errors?: Array<{ errorType: string; message: string; path: Array<string | number> }> };

describe('AppSync limits', () => {
  let cloud: LocalCloud | undefined;
  let query: (text: string) => Promise<Answer>;
  beforeAll(async () => {
    cloud = await startFixtureCloud(api({ QueryDepthLimit: 3, ResolverCountLimit: 2 }), 19566);
    const key = cloud.context.resolvers.get('fixture')?.ref('Key') ?? '';
    query = async (text) => {
      const response = await fetch(cloud?.context.urls['fixture.graphql'] ?? '', {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ query: text }),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as Answer;
    };
  }, 60_000);
  afterAll(() => cloud?.stop());

  it('resolves fields to the depth limit (the top-level field is 1, leaves count) and none below it', async () => {
    expect(await query('{ echo { event { info } } }')).toMatchObject({ data: null, errors: [expect.objectContaining({ errorType: 'ValidationError' })] });
    const deep = await query('{ echo { event { info { fieldName } } } }');
    expect(deep.data).toEqual({ echo: { event: { info: { fieldName: null } } } });
    expect(deep.errors).toEqual([expect.objectContaining({ errorType: 'QueryDepthLimitReached', path: ['echo', 'event', 'info', 'fieldName'] })]);
  });

  it('invokes at most ResolverCountLimit resolvers a request; the others read null with ResolverExecutionLimitReached', async () => {
    const answer = await query('{ a: echo { invocations } b: echo { invocations } c: echo { invocations } d: echo { invocations } }');
    const run = Object.values(answer.data ?? {}).filter((value) => value !== null);
    expect(run).toHaveLength(2);
    expect(answer.errors?.map((error) => [error.errorType, error.message])).toEqual([
      ['ResolverExecutionLimitReached', 'Resolver invocation limit reached.'],
      ['ResolverExecutionLimitReached', 'Resolver invocation limit reached.'],
    ]);
    // The count is per request: the next one runs its two again.
    expect(Object.values((await query('{ a: echo { invocations } b: echo { invocations } }')).data ?? {}).every((value) => value !== null)).toBe(true);
  });

  it('refuses limits out of AWS ranges (QueryDepthLimit 0-75, ResolverCountLimit 0-10000), as cfn-lint and CloudFormation do', async () => {
    for (const [properties, port, finding] of [
      [{ QueryDepthLimit: 76 }, 19666, 'E3034 76 is greater than the maximum of 75'],
      [{ ResolverCountLimit: 10_001 }, 19766, 'E3034 10001 is greater than the maximum of 10000'],
    ] as const) {
      const refused = await startFixtureCloud(api(properties), port);
      await refused.stop();
      expect(refused.lines.join('\n')).toEqual(expect.stringContaining(finding));
      expect(refused.lines.join('\n')).toContain('NOT STARTED: fixture');
    }
  }, 60_000);
});
