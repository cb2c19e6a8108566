// Every Step Functions operation the coverage table lists, through the endpoint with the real SDK v3
// client, on user-activation's state machine: discovery, an execution and its full history.
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from '@jest/globals';
import { until } from '../../../src/testing';
import { clientConfig, expectEveryDeclaredOperationCalled } from '../../support/conformance';

const KEY = 'conformancestates';
const sfn = new SFNClient(clientConfig(KEY));
const name = 'user-activation-dev-activation';

afterAll(() => sfn.destroy());

describe('Step Functions through the endpoint, with the SDK', () => {
  it('lists and describes the state machines the templates deploy', async () => {
    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    const listed = stateMachines.find((machine) => machine.name === name);
    expect(listed).toMatchObject({ stateMachineArn: `arn:aws:states:us-east-1:000000000000:stateMachine:${name}`, type: 'STANDARD' });
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: listed?.stateMachineArn }));
    expect(described).toMatchObject({ name, status: 'ACTIVE', roleArn: expect.stringMatching(/^arn:aws:iam::000000000000:role\//) });
    expect(JSON.parse(described.definition ?? '{}').StartAt).toBe('GetActivationStatus');
  });

  it('runs an execution to its end and tells its whole history, as AWS writes it for lambda:invoke tasks', async () => {
    const stateMachineArn = `arn:aws:states:us-east-1:000000000000:stateMachine:${name}`;
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: `conformance-${Date.now()}`,
        input: JSON.stringify({ username: 'nobody-conformance', tokenVersion: 1 }),
      }),
    );
    const done = await until(
      () => sfn.send(new DescribeExecutionCommand({ executionArn })),
      (execution) => execution.status !== 'RUNNING',
    );
    expect(done.status).toBe('SUCCEEDED');
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining([
        'ExecutionStarted',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskSucceeded',
        'TaskStateExited',
        'ExecutionSucceeded',
      ]),
    );
    expect(events.find((event) => event.type === 'TaskScheduled')?.taskScheduledEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke' });
    expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions?.map((execution) => execution.executionArn)).toContain(executionArn);
    expect((await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }))).name).toBe(name);
    // Stopping an execution that has ended changes nothing, as in AWS.
    await sfn.send(new StopExecutionCommand({ executionArn })).catch(() => undefined);
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('SUCCEEDED');
  });

  it('refuses an operation it does not emulate, and has driven every operation the coverage table lists', async () => {
    await expect(sfn.send(new CreateStateMachineCommand({ name: 'x', definition: '{}', roleArn: 'arn:aws:iam::000000000000:role/x' }))).rejects.toMatchObject({
      name: 'UnknownOperationException',
    });
    await expectEveryDeclaredOperationCalled('AWS Step Functions', 'states', [KEY]);
  });
});
