// What a template must grant for AWS services to act for it, on local clouds of inline templates:
// a missing grant fails where and as it fails in AWS, at creation where AWS validates it (S3
// notifications, SES receipt rules, roles, event source mappings, destinations), else at call time,
// with the refusal listed at /_local/denials. Each case also runs with the grant, so a check that
// refused everything would fail here too.
import { createConnection } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { localAuthorization } from '../../src/awsCall';
import { localCloudClient } from '../../src/client';
import type { LocalCloud } from '../../src/index';
import type { CfnResource } from '../../src/services/cloudformation/template';
import { fixtureFunction, fixtureRole, receivingFixture, startFixtureCloud } from '../support/fixtureCloud';

// Each cloud on ports of its own: a client's kept-alive connection to the previous one must not meet the next.
let portBase = 15566;
let cloud: (LocalCloud & { lines: string[] }) | undefined;

afterEach(async () => {
  await cloud?.stop();
  cloud = undefined;
});

const start = async (resources: Record<string, CfnResource>) => {
  portBase += 100;
  cloud = await startFixtureCloud(resources, portBase);
  return cloud;
};
const failure = async (resources: Record<string, CfnResource>) => {
  try {
    await start(resources);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the local cloud started');
};
const local = (path: string, init?: RequestInit) => fetch(`http://127.0.0.1:${portBase}${path}`, init);
const client = () => localCloudClient(`http://127.0.0.1:${portBase}`);
const stats = async (name: string) => (await client().functions()).find((fn) => fn.name === name);
const denials = () => client().denials();
const waitFor = async (done: () => Promise<boolean>) => {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    if (await done()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
};

/** A bucket notifying the function, and (optionally) the permission S3 needs, which the bucket waits for. */
const notifyingBucket = (withPermission: boolean): Record<string, CfnResource> => ({
  ...fixtureFunction('Receiver', 'echo'),
  ...(withPermission
    ? {
        ReceiverInvokeFromBucket: {
          Type: 'AWS::Lambda::Permission',
          Properties: {
            FunctionName: { 'Fn::GetAtt': ['Receiver', 'Arn'] },
            Action: 'lambda:InvokeFunction',
            Principal: 's3.amazonaws.com',
            SourceArn: 'arn:aws:s3:::fixture-dev-uploads',
            SourceAccount: { Ref: 'AWS::AccountId' },
          },
        },
      }
    : {}),
  Uploads: {
    Type: 'AWS::S3::Bucket',
    ...(withPermission ? { DependsOn: 'ReceiverInvokeFromBucket' } : {}),
    Properties: {
      BucketName: 'fixture-dev-uploads',
      NotificationConfiguration: { LambdaConfigurations: [{ Event: 's3:ObjectCreated:*', Function: { 'Fn::GetAtt': ['Receiver', 'Arn'] } }] },
    },
  },
});

describe('S3 notifications', () => {
  it('refuse a bucket whose function lacks the permission: "Unable to validate the following destination configurations"', async () => {
    expect(await failure(notifyingBucket(false))).toBe(
      'fixture: CREATE_FAILED Uploads (AWS::S3::Bucket): InvalidArgument: Unable to validate the following destination configurations: Not authorized to invoke function [arn:aws:lambda:us-east-1:000000000000:function:fixture-dev-Receiver] (an AWS::Lambda::Permission for s3.amazonaws.com with SourceArn arn:aws:s3:::fixture-dev-uploads must exist first: DependsOn it)',
    );
  }, 60_000);

  it('invoke the function for a new object once the permission exists', async () => {
    await start(notifyingBucket(true));
    const put = await local('/fixture-dev-uploads/hello.txt', {
      method: 'PUT',
      headers: { authorization: localAuthorization('s3', 'fixtureclient') },
      body: 'hi',
    });
    expect(put.status).toBe(200);
    expect(await waitFor(async () => (await stats('fixture-dev-Receiver'))?.completed === 1)).toBe(true);
  }, 60_000);
});

/** A receipt rule storing mail in a bucket whose policy grants SES `grant` (or nothing). */
const receiving = (grant?: { sourceArn: string }) => receivingFixture('fixture-dev-inbox', ['inbox@fixture.example.com'], grant);
const ruleArn = 'arn:aws:ses:us-east-1:000000000000:receipt-rule-set/fixture-dev:receipt-rule/fixture-dev-inbox';

describe('SES receipt rules', () => {
  it('refuse a rule whose bucket policy does not let SES write: InvalidS3Configuration', async () => {
    expect(await failure(receiving())).toMatch(
      /^fixture: CREATE_FAILED Rule \(AWS::SES::ReceiptRule\): InvalidS3Configuration: Could not write to bucket: fixture-dev-mail \(User: ses\.amazonaws\.com is not authorized to perform: s3:PutObject on resource: arn:aws:s3:::fixture-dev-mail\/inbox\/AMAZON_SES_SETUP_NOTIFICATION/,
    );
  }, 60_000);

  it('refuse a rule the policy grants to another rule (aws:SourceArn), and store mail for the rule it names', async () => {
    expect(await failure(receiving({ sourceArn: ruleArn.replace('fixture-dev-inbox', 'other') }))).toContain('InvalidS3Configuration');
    await start(receiving({ sourceArn: ruleArn }));
    const reply = await smtp(
      portBase + 6,
      ['EHLO test', 'MAIL FROM:<author@example.com>', 'RCPT TO:<inbox@fixture.example.com>', 'DATA'],
      'Subject: hi\r\n\r\nhello\r\n.',
    );
    expect(reply).toMatch(/250 OK/);
    const listed = await (
      await local('/fixture-dev-mail?list-type=2&prefix=inbox%2F', { headers: { authorization: localAuthorization('s3', 'fixtureclient') } })
    ).text();
    expect(listed).toMatch(/<Key>inbox\/[0-9a-f]{32}<\/Key>/);
  }, 60_000);
});

/** Talks SMTP: each command, then the message after DATA; returns what the server said. */
function smtp(port: number, commands: string[], message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let said = '';
    const queue = [...commands, message, 'QUIT'];
    socket.on('data', (chunk) => {
      said += chunk.toString();
      if (/^\d{3} /m.test(chunk.toString()) && queue.length) socket.write(`${queue.shift()}\r\n`);
    });
    socket.on('end', () => resolve(said));
    socket.on('error', reject);
  });
}

/** The permission a service needs to invoke a function for a source (an AWS::Lambda::Permission, as osls writes them). */
const invokePermission = (fn: string, principal: string, sourceArn: unknown, account = false): CfnResource => ({
  Type: 'AWS::Lambda::Permission',
  Properties: {
    FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
    Action: 'lambda:InvokeFunction',
    Principal: principal,
    SourceArn: sourceArn,
    ...(account ? { SourceAccount: { Ref: 'AWS::AccountId' } } : {}),
  },
});

describe('schedules and IoT rules', () => {
  // Each source twice: to a function without its permission (Tick, Press) and to one with it (Tock, Pressed).
  const resources: Record<string, CfnResource> = {
    ...fixtureFunction('Tick', 'echo'),
    ...fixtureFunction('Tock', 'echo'),
    ...fixtureFunction('Press', 'echo'),
    ...fixtureFunction('Pressed', 'echo'),
    Every: {
      Type: 'AWS::Events::Rule',
      Properties: { Name: 'fixture-dev-every', ScheduleExpression: 'rate(1 day)', Targets: [{ Id: 'tick', Arn: { 'Fn::GetAtt': ['Tick', 'Arn'] } }] },
    },
    Daily: {
      Type: 'AWS::Events::Rule',
      Properties: { Name: 'fixture-dev-daily', ScheduleExpression: 'cron(0 7 * * ? *)', Targets: [{ Id: 'tock', Arn: { 'Fn::GetAtt': ['Tock', 'Arn'] } }] },
    },
    TockFromSchedule: invokePermission('Tock', 'events.amazonaws.com', { 'Fn::GetAtt': ['Daily', 'Arn'] }),
    Buttons: {
      Type: 'AWS::IoT::TopicRule',
      Properties: {
        RuleName: 'fixture_dev_buttons',
        TopicRulePayload: {
          Sql: "SELECT * FROM 'iotbutton/+'",
          Actions: [{ Lambda: { FunctionArn: { 'Fn::GetAtt': ['Press', 'Arn'] } } }, { Lambda: { FunctionArn: { 'Fn::GetAtt': ['Pressed', 'Arn'] } } }],
        },
      },
    },
    PressedFromRule: invokePermission('Pressed', 'iot.amazonaws.com', { 'Fn::GetAtt': ['Buttons', 'Arn'] }, true),
  };

  it('invoke a function only with its permission; without, nothing runs and the refusal says why', async () => {
    await start(resources);
    for (const rule of ['fixture-dev-every', 'fixture-dev-daily']) expect((await client().fireSchedule(rule)).fired).toBe(rule);
    const press = await local('/topics/iotbutton%2FG030', {
      method: 'POST',
      headers: { authorization: localAuthorization('iotdata', 'fixtureclient') },
      body: JSON.stringify({ clickType: 'SINGLE' }),
    });
    expect(press.status).toBe(200);
    expect(await waitFor(async () => (await stats('fixture-dev-Tock'))?.completed === 1 && (await stats('fixture-dev-Pressed'))?.completed === 1)).toBe(true);
    expect(await waitFor(async () => (await denials()).length === 2)).toBe(true);
    expect((await denials()).map((denial) => [denial.caller, denial.reason])).toEqual([
      [
        'events.amazonaws.com',
        'User: events.amazonaws.com is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:fixture-dev-Tick because no resource-based policy allows the action',
      ],
      [
        'iot.amazonaws.com',
        'User: iot.amazonaws.com is not authorized to perform: lambda:InvokeFunction on resource: arn:aws:lambda:us-east-1:000000000000:function:fixture-dev-Press because no resource-based policy allows the action',
      ],
    ]);
    expect(cloud?.lines.some((line) => line.includes('[fixture-dev-Tick] not invoked for arn:aws:events:us-east-1:000000000000:rule/fixture-dev-every'))).toBe(
      true,
    );
    expect([(await stats('fixture-dev-Tick'))?.completed, (await stats('fixture-dev-Press'))?.completed]).toEqual([0, 0]);
  }, 60_000);

  it('does not start a template with an IoT rule name AWS refuses (cfn-lint E3031)', async () => {
    const hyphenated = structuredClone(resources);
    (hyphenated.Buttons as { Properties: Record<string, unknown> }).Properties.RuleName = 'fixture-dev-buttons';
    // Without cfn-lint the template passes the checks and IoT's own constraint refuses the rule (see iot.test.ts).
    const refusedOrFailed = await start(hyphenated).then(
      (started) => started.lines.join('\n'),
      (error: Error) => error.message,
    );
    expect(refusedOrFailed).toMatch(
      /fixture: Buttons: E3031 'fixture-dev-buttons' does not match|Member must satisfy regular expression pattern: \^\[a-zA-Z0-9_\]\+\$/,
    );
    expect(cloud?.context.functions.all() ?? []).toEqual([]);
  }, 60_000);
});

describe('roles, event source mappings and destinations', () => {
  it('refuses a function whose role does not trust Lambda, as CreateFunction does', async () => {
    const resources = fixtureFunction('Untrusting', 'echo');
    const trust = resources.UntrustingRole?.Properties?.AssumeRolePolicyDocument as { Statement: unknown[] };
    trust.Statement[0] = { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' };
    expect(await failure(resources)).toContain(
      'CREATE_FAILED Untrusting (AWS::Lambda::Function): InvalidParameterValueException: The role defined for the function cannot be assumed by Lambda.',
    );
  }, 60_000);

  const queueMapping = (statements: unknown[]): Record<string, CfnResource> => ({
    Work: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'fixture-dev-work' } },
    Failures: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'fixture-dev-failures' } },
    ...fixtureFunction('Worker', 'echo', statements),
    WorkerMapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: { EventSourceArn: { 'Fn::GetAtt': ['Work', 'Arn'] }, FunctionName: { 'Fn::GetAtt': ['Worker', 'Arn'] } },
    },
    WorkerAsync: {
      Type: 'AWS::Lambda::EventInvokeConfig',
      Properties: {
        FunctionName: { Ref: 'Worker' },
        Qualifier: '$LATEST',
        DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['Failures', 'Arn'] } } },
      },
    },
  });
  const receive = {
    Effect: 'Allow',
    Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
    Resource: { 'Fn::GetAtt': ['Work', 'Arn'] },
  };
  const report = { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: { 'Fn::GetAtt': ['Failures', 'Arn'] } };

  it('refuses a queue mapping the role may not receive from, and a destination it may not send to', async () => {
    expect(await failure(queueMapping([report]))).toContain(
      'CREATE_FAILED WorkerMapping (AWS::Lambda::EventSourceMapping): InvalidParameterValueException: The provided execution role does not have permissions to call ReceiveMessage on SQS',
    );
    expect(await failure(queueMapping([receive]))).toContain(
      'CREATE_FAILED WorkerAsync (AWS::Lambda::EventInvokeConfig): InvalidParameterValueException: The destination ARN arn:aws:sqs:us-east-1:000000000000:fixture-dev-failures is invalid.',
    );
    await start(queueMapping([receive, report]));
    expect(cloud?.lines).toContain('queue fixture-dev-work -> fixture-dev-Worker (batch 10)');
  }, 60_000);
});

describe('API Gateway, AppSync and Step Functions', () => {
  const route = (name: string, path: string): Record<string, CfnResource> => ({
    ...fixtureFunction(name, 'echo'),
    [`${name}Integration`]: {
      Type: 'AWS::ApiGatewayV2::Integration',
      Properties: { ApiId: { Ref: 'Api' }, IntegrationType: 'AWS_PROXY', IntegrationUri: { 'Fn::GetAtt': [name, 'Arn'] }, PayloadFormatVersion: '2.0' },
    },
    [`${name}Route`]: {
      Type: 'AWS::ApiGatewayV2::Route',
      Properties: { ApiId: { Ref: 'Api' }, RouteKey: `GET ${path}`, Target: { 'Fn::Join': ['/', ['integrations', { Ref: `${name}Integration` }]] } },
    },
  });
  const field = (name: string, statements: unknown[]): Record<string, CfnResource> => ({
    ...fixtureFunction(name, 'slow'),
    [`${name}SourceRole`]: fixtureRole('appsync.amazonaws.com', statements),
    [`${name}Source`]: {
      Type: 'AWS::AppSync::DataSource',
      Properties: {
        ApiId: { 'Fn::GetAtt': ['Graph', 'ApiId'] },
        Name: name.toLowerCase(),
        Type: 'AWS_LAMBDA',
        LambdaConfig: { LambdaFunctionArn: { 'Fn::GetAtt': [name, 'Arn'] } },
        ServiceRoleArn: { 'Fn::GetAtt': [`${name}SourceRole`, 'Arn'] },
      },
    },
    [`${name}Resolver`]: {
      Type: 'AWS::AppSync::Resolver',
      DependsOn: 'Schema',
      Properties: {
        ApiId: { 'Fn::GetAtt': ['Graph', 'ApiId'] },
        TypeName: 'Query',
        FieldName: name.toLowerCase(),
        DataSourceName: { 'Fn::GetAtt': [`${name}Source`, 'Name'] },
        Kind: 'UNIT',
      },
    },
  });
  const machine = (name: string, trusted: string, invoke: boolean): Record<string, CfnResource> => ({
    ...fixtureFunction(`${name}Step`, 'slow'),
    [`${name}Role`]: fixtureRole(
      trusted,
      invoke ? [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [`${name}Step`, 'Arn'] } }] : [],
    ),
    [name]: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        StateMachineName: `fixture-dev-${name}`,
        RoleArn: { 'Fn::GetAtt': [`${name}Role`, 'Arn'] },
        Definition: {
          StartAt: 'Step',
          States: {
            Step: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Parameters: { FunctionName: { 'Fn::GetAtt': [`${name}Step`, 'Arn'] }, Payload: {} },
              End: true,
            },
          },
        },
      },
    },
  });
  // Each twice: without its grant and with it.
  const resources: Record<string, CfnResource> = {
    Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'fixture-dev', ProtocolType: 'HTTP' } },
    ApiStage: { Type: 'AWS::ApiGatewayV2::Stage', Properties: { ApiId: { Ref: 'Api' }, StageName: '$default', AutoDeploy: true } },
    ...route('Closed', '/closed'),
    ...route('Open', '/open'),
    OpenFromApi: invokePermission('Open', 'apigateway.amazonaws.com', {
      'Fn::Sub': 'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*',
    }),
    Graph: { Type: 'AWS::AppSync::GraphQLApi', Properties: { Name: 'fixture-dev', AuthenticationType: 'API_KEY' } },
    Schema: {
      Type: 'AWS::AppSync::GraphQLSchema',
      Properties: { ApiId: { 'Fn::GetAtt': ['Graph', 'ApiId'] }, Definition: 'type Query { secret: String, hello: String }' },
    },
    Key: { Type: 'AWS::AppSync::ApiKey', Properties: { ApiId: { 'Fn::GetAtt': ['Graph', 'ApiId'] } } },
    ...field('Secret', []),
    ...field('Hello', [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': ['Hello', 'Arn'] } }]),
    // The regional principal is trusted too, as the serverless-step-functions plugin writes it.
    ...machine('Idle', 'states.us-east-1.amazonaws.com', false),
    ...machine('Busy', 'states.amazonaws.com', true),
  };
  const execute = async (name: string) => {
    const call = (target: string, body: object) =>
      local('/', {
        method: 'POST',
        headers: {
          authorization: localAuthorization('states', 'fixtureclient'),
          'x-amz-target': `AWSStepFunctions.${target}`,
          'content-type': 'application/x-amz-json-1.0',
        },
        body: JSON.stringify(body),
      }).then((response) => response.json() as Promise<Record<string, string>>);
    const { executionArn } = await call('StartExecution', {
      stateMachineArn: `arn:aws:states:us-east-1:000000000000:stateMachine:fixture-dev-${name}`,
      input: '{}',
    });
    let described: Record<string, string> = {};
    await waitFor(async () => {
      described = await call('DescribeExecution', { executionArn });
      return described.status !== 'RUNNING';
    });
    return described;
  };

  it('an HTTP API route, an AppSync resolver and a Task run only as the template grants (else a 500, a field error, a failed Task)', async () => {
    await start(resources);
    const api = cloud?.context.urls['fixture.httpApi'];
    expect((await fetch(`${api}/closed`)).status).toBe(500);
    const open = await fetch(`${api}/open`);
    expect([open.status, ((await open.json()) as { event: { routeKey: string } }).event.routeKey]).toEqual([200, 'GET /open']);

    const key = cloud?.context.resolvers.get('fixture')?.ref('Key') ?? '';
    const graphql = await fetch(cloud?.context.urls['fixture.graphql'] ?? '', {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: '{"query":"{ secret hello }"}',
    });
    const answer = (await graphql.json()) as { data: Record<string, string | null>; errors: Array<{ errorType: string; message: string; path: string[] }> };
    expect(answer.data).toEqual({ secret: null, hello: 'done' });
    expect(answer.errors).toEqual([
      expect.objectContaining({
        path: ['secret'],
        errorType: 'Lambda:AccessDeniedException',
        message: expect.stringContaining('is not authorized to perform: lambda:InvokeFunction'),
      }),
    ]);

    expect(await execute('Idle')).toMatchObject({ status: 'FAILED', error: 'Lambda.AccessDeniedException' });
    expect(await execute('Busy')).toMatchObject({ status: 'SUCCEEDED' });
    expect((await denials()).map((denial) => [denial.caller, denial.action])).toEqual([
      ['apigateway.amazonaws.com', 'lambda:InvokeFunction'],
      ['appsync:fixture-dev-SecretSourceRole', 'lambda:InvokeFunction'],
      ['states:fixture-dev-Idle', 'lambda:InvokeFunction'],
    ]);
  }, 60_000);

  it('refuses a state machine whose role does not trust Step Functions, as CreateStateMachine does', async () => {
    expect(await failure(machine('Stranger', 'lambda.amazonaws.com', true))).toContain(
      'CREATE_FAILED Stranger (AWS::StepFunctions::StateMachine): AccessDeniedException: Neither the global service principal states.amazonaws.com, nor the regional one is authorized to assume the provided role.',
    );
  }, 60_000);
});

describe('the template checks at start', () => {
  it('does not start a service whose template names another resource with nothing ordering them, and says why', async () => {
    await start({
      Mail: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'fixture-dev-mail' } },
      MailPolicy: {
        Type: 'AWS::S3::BucketPolicy',
        Properties: {
          Bucket: 'fixture-dev-mail',
          PolicyDocument: {
            Statement: [{ Effect: 'Allow', Principal: { Service: 'ses.amazonaws.com' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::fixture-dev-mail/*' }],
          },
        },
      },
    });
    expect(cloud?.context.templates).toEqual([]);
    expect(cloud?.lines).toContain('NOT STARTED: fixture: their templates fail the checks a deploy would fail (fix them, then npm run package)');
    expect(cloud?.lines.some((line) => line.includes('fixture: MailPolicy: DEPENDENCY names Mail ("fixture-dev-mail") by a literal string'))).toBe(true);
  }, 60_000);
});
