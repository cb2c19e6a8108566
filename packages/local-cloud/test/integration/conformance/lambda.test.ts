// Every Lambda API operation the coverage table lists, through the endpoint with the real SDK v3
// client: what is deployed, as `aws lambda list-functions` shows it, and invocations of all kinds.
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
} from '@aws-sdk/client-lambda';
import { afterAll, describe, expect, it } from '@jest/globals';
import { clientConfig, expectEveryDeclaredOperationCalled } from '../../support/conformance';

const KEY = 'conformancelambda';
const lambda = new LambdaClient(clientConfig(KEY));
const FunctionName = 'user-activation-dev-getActivationStatus';

afterAll(() => lambda.destroy());

describe('the Lambda API through the endpoint, with the SDK', () => {
  it('lists and describes the functions the templates deploy', async () => {
    const { Functions = [] } = await lambda.send(new ListFunctionsCommand({}));
    const listed = Functions.find((fn) => fn.FunctionName === FunctionName);
    expect(listed).toMatchObject({
      FunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${FunctionName}`,
      Runtime: expect.stringMatching(/^nodejs/),
      Handler: expect.any(String),
      MemorySize: expect.any(Number),
      Timeout: expect.any(Number),
      Role: expect.stringMatching(/^arn:aws:iam::000000000000:role\//),
      CodeSha256: expect.any(String),
      State: 'Active',
    });
    const { Configuration, Code } = await lambda.send(new GetFunctionCommand({ FunctionName }));
    expect(Configuration?.FunctionArn).toBe(listed?.FunctionArn);
    expect(Code?.RepositoryType).toBe('S3');
    const configuration = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: listed?.FunctionArn }));
    expect(configuration.CodeSha256).toBe(listed?.CodeSha256);
  });

  it('gives the resource policy of a function that has one, and ResourceNotFoundException for one that has not', async () => {
    const { Policy } = await lambda.send(new GetPolicyCommand({ FunctionName: 'button-messenger-dev-pressButton' }));
    expect(JSON.parse(Policy ?? '{}').Statement).toContainEqual(expect.objectContaining({ Principal: { Service: 'iot.amazonaws.com' } }));
    await expect(lambda.send(new GetPolicyCommand({ FunctionName }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('invokes synchronously with the log tail, asynchronously and as a dry run; refuses a payload that is not JSON', async () => {
    const invoked = await lambda.send(
      new InvokeCommand({ FunctionName, Payload: JSON.stringify({ username: 'nobody-conformance', tokenVersion: 1 }), LogType: 'Tail' }),
    );
    expect(invoked.StatusCode).toBe(200);
    expect(invoked.ExecutedVersion).toBe('$LATEST');
    expect(Buffer.from(invoked.LogResult ?? '', 'base64').toString()).toMatch(/REPORT RequestId: \S+\s+Duration: /);
    expect(
      (await lambda.send(new InvokeCommand({ FunctionName, InvocationType: 'Event', Payload: '{"username":"nobody-conformance","tokenVersion":1}' })))
        .StatusCode,
    ).toBe(202);
    expect((await lambda.send(new InvokeCommand({ FunctionName, InvocationType: 'DryRun' }))).StatusCode).toBe(204);
    await expect(lambda.send(new InvokeCommand({ FunctionName, Payload: Buffer.from('not json') }))).rejects.toMatchObject({
      name: 'InvalidRequestContentException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(lambda.send(new GetFunctionCommand({ FunctionName: 'no-such-function' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('refuses an operation it does not emulate, and has driven every operation the coverage table lists', async () => {
    await expect(
      lambda.send(new CreateFunctionCommand({ FunctionName: 'x', Role: 'arn:aws:iam::000000000000:role/x', Code: { ZipFile: Buffer.from('') } })),
    ).rejects.toMatchObject({ name: 'UnknownOperationException' });
    await expectEveryDeclaredOperationCalled('AWS Lambda', 'lambda', [KEY]);
  });
});
