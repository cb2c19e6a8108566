// Step Functions executions under --persist, as AWS keeps them: killed (-9) while an execution
// waits, the local cloud started again on the same folder carries it on from its Wait, for what was
// left of it, as one execution; ended executions are still there and their names still taken; a
// running one whose state machine (or state) is gone from the templates fails, saying why; a start
// without --persist sees none of it.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from '@jest/globals';
import { type ChildCloud, startChildCloud } from '../../src/childCloud';
import { startLocalCloud } from '../../src/index';
import type { CfnResource } from '../../src/services/cloudformation/template';
import { until } from '../../src/testing';
import { fixtureFunction, fixtureRole, fixtureRoot } from '../support/fixtureCloud';

// Each start on ports of its own (fetch keeps sockets to a port alive, past the process behind it).
let portBase = 25466;
const nextPortBase = () => {
  portBase += 100;
  return portBase;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const arnOf = (machine: string) => `arn:aws:states:us-east-1:000000000000:stateMachine:fixture-dev-${machine}`;
const executionArnOf = (machine: string, name: string) => `arn:aws:states:us-east-1:000000000000:execution:fixture-dev-${machine}:${name}`;

function client(endpoint: string): SFNClient {
  return new SFNClient({ endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'sfnpersist', secretAccessKey: 'x' } });
}

/** A state machine of these states, whose role may invoke the Echo function. */
function machine(name: string, StartAt: string, States: Record<string, unknown>): Record<string, CfnResource> {
  return {
    [`${name}Role`]: fixtureRole('states.amazonaws.com', [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': ['Echo', 'Arn'] } }]),
    [name]: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: { StateMachineName: `fixture-dev-${name}`, RoleArn: { 'Fn::GetAtt': [`${name}Role`, 'Arn'] }, Definition: { StartAt, States } },
    },
  };
}

const echo = fixtureFunction('Echo', 'echo');
const quick = machine('Quick', 'Done', { Done: { Type: 'Pass', Result: { quick: true }, End: true } });
const holding = (name: string, seconds: number, then: Record<string, unknown> = { Done: { Type: 'Pass', End: true } }) =>
  machine(name, 'Hold', { Hold: { Type: 'Wait', Seconds: seconds, Next: Object.keys(then)[0] }, ...then });

async function start(sfn: SFNClient, machineName: string, name: string, input: unknown): Promise<string> {
  const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arnOf(machineName), name, input: JSON.stringify(input) }));
  return executionArn ?? '';
}

const ended = (sfn: SFNClient, executionArn: string) =>
  until(
    () => sfn.send(new DescribeExecutionCommand({ executionArn })),
    (execution: DescribeExecutionCommandOutput) => execution.status !== 'RUNNING',
    30_000,
  );

async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  return (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];
}

/** Until the execution has entered its Wait state. */
const waiting = (sfn: SFNClient, executionArn: string) =>
  until(
    () => history(sfn, executionArn),
    (events) => events.some((event) => event.type === 'WaitStateEntered'),
  );

const entered = (events: HistoryEvent[]) => events.flatMap((event) => (event.type?.endsWith('StateEntered') ? [event.stateEnteredEventDetails?.name] : []));

async function listed(sfn: SFNClient, machineName: string, statusFilter?: 'FAILED' | 'SUCCEEDED') {
  const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arnOf(machineName), statusFilter }));
  return executions.map((execution) => ({ name: execution.name, status: execution.status }));
}

describe('Step Functions executions under --persist', () => {
  it('carries a running execution on from its Wait after a kill -9, for what was left of it, and keeps ended ones and their names', async () => {
    const root = fixtureRoot({
      ...echo,
      ...quick,
      ...holding('Waiting', 6, {
        After: {
          Type: 'Pass',
          Parameters: { 'input.$': '$$.Execution.Input', 'name.$': '$$.Execution.Name', 'startTime.$': '$$.Execution.StartTime' },
          ResultPath: '$.context',
          Next: 'Echo',
        },
        Echo: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: { 'Fn::GetAtt': ['Echo', 'Arn'] }, 'Payload.$': '$' },
          ResultSelector: { 'echoed.$': '$.Payload.event' },
          End: true,
        },
      }),
    });
    const persistDir = mkdtempSync(join(tmpdir(), 'sfn-persist-'));
    const clouds: ChildCloud[] = [];
    const clients: SFNClient[] = [];
    try {
      const first = await startChildCloud({ root, portBase: nextPortBase(), persistDir });
      clouds.push(first);
      const before = client(first.state.urls.endpoint ?? '');
      clients.push(before);
      const quickArn = await start(before, 'Quick', 'quick-1', { n: 1 });
      expect((await ended(before, quickArn)).status).toBe('SUCCEEDED');
      const waitingArn = await start(before, 'Waiting', 'waiting-1', { order: 42 });
      await waiting(before, waitingArn);
      await sleep(2000);
      expect((await before.send(new DescribeExecutionCommand({ executionArn: waitingArn }))).status).toBe('RUNNING');
      await first.kill9();

      const second = await startChildCloud({ root, portBase: nextPortBase(), persistDir });
      clouds.push(second);
      const restartedAt = Date.now();
      const after = client(second.state.urls.endpoint ?? '');
      clients.push(after);
      expect(second.output()).toContain('[states] resumed fixture-dev-Waiting waiting-1 at Hold (the local cloud stopped while it ran)');

      // (a) It goes on from its Wait and succeeds, with the execution's own context.
      const done = await ended(after, waitingArn);
      expect(done.status).toBe('SUCCEEDED');
      const output = JSON.parse(done.output ?? 'null');
      expect(output.echoed).toEqual({
        order: 42,
        context: { input: { order: 42 }, name: 'waiting-1', startTime: new Date(done.startDate ?? 0).toISOString() },
      });
      // One execution in its history: started once, each state entered once, in order.
      const events = await history(after, waitingArn);
      expect(events.filter((event) => event.type === 'ExecutionStarted')).toHaveLength(1);
      expect(entered(events)).toEqual(['Hold', 'After', 'Echo']);
      expect(events.map((event) => event.type)).toEqual([
        'ExecutionStarted',
        'WaitStateEntered',
        'WaitStateExited',
        'PassStateEntered',
        'PassStateExited',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskSucceeded',
        'TaskStateExited',
        'ExecutionSucceeded',
      ]);
      expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
      // Its 6 s counted from its entry, through the time the local cloud was down: not 6 s again from the restart.
      const at = (type: string) => events.find((event) => event.type === type)?.timestamp?.getTime() ?? Number.NaN;
      expect(at('WaitStateExited') - at('WaitStateEntered')).toBeGreaterThanOrEqual(5_900);
      expect(at('WaitStateExited')).toBeLessThan(restartedAt + 5_000);

      // (b) The execution that had ended is still there, and its name (and the resumed one's) still taken.
      expect(await listed(after, 'Quick')).toEqual([{ name: 'quick-1', status: 'SUCCEEDED' }]);
      expect(JSON.parse((await after.send(new DescribeExecutionCommand({ executionArn: quickArn }))).output ?? 'null')).toEqual({ quick: true });
      expect((await history(after, quickArn)).map((event) => event.type)).toEqual([
        'ExecutionStarted',
        'PassStateEntered',
        'PassStateExited',
        'ExecutionSucceeded',
      ]);
      await expect(start(after, 'Quick', 'quick-1', { n: 1 })).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
      await expect(start(after, 'Waiting', 'waiting-1', { order: 42 })).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    } finally {
      for (const sfn of clients) sfn.destroy();
      for (const cloud of clouds) await cloud.stop();
    }
  }, 120_000);

  it('fails a running execution, saying why, when its state machine or its state is gone from the templates after the restart', async () => {
    const before = fixtureRoot({ ...echo, ...quick, ...holding('Doomed', 60), ...holding('Renamed', 60) });
    // The same service without Doomed, and Renamed's Wait state under another name.
    const after = fixtureRoot({ ...echo, ...quick, ...machine('Renamed', 'Pause', { Pause: { Type: 'Wait', Seconds: 1, End: true } }) });
    const persistDir = mkdtempSync(join(tmpdir(), 'sfn-persist-'));
    const clouds: ChildCloud[] = [];
    const clients: SFNClient[] = [];
    try {
      const first = await startChildCloud({ root: before, portBase: nextPortBase(), persistDir });
      clouds.push(first);
      const sfn = client(first.state.urls.endpoint ?? '');
      clients.push(sfn);
      const doomedArn = await start(sfn, 'Doomed', 'doomed-1', {});
      const renamedArn = await start(sfn, 'Renamed', 'renamed-1', {});
      await waiting(sfn, doomedArn);
      await waiting(sfn, renamedArn);
      await first.kill9();

      const second = await startChildCloud({ root: after, portBase: nextPortBase(), persistDir });
      clouds.push(second);
      const again = client(second.state.urls.endpoint ?? '');
      clients.push(again);
      const why = {
        [doomedArn]:
          'The local cloud stopped while it ran, and it could not be resumed because its state machine fixture-dev-Doomed is no longer in the templates',
        [renamedArn]:
          'The local cloud stopped while it ran, and it could not be resumed because its state Hold is no longer in the definition of fixture-dev-Renamed',
      };
      for (const [executionArn, cause] of Object.entries(why)) {
        const failed = await again.send(new DescribeExecutionCommand({ executionArn }));
        expect(failed).toMatchObject({ status: 'FAILED', error: 'States.Runtime', cause });
        expect(failed.stopDate?.getTime()).toBeGreaterThanOrEqual(failed.startDate?.getTime() ?? Number.NaN);
        const events = await history(again, executionArn);
        expect(events.at(-1)).toMatchObject({ type: 'ExecutionFailed', executionFailedEventDetails: { error: 'States.Runtime', cause } });
      }
      expect(await listed(again, 'Doomed', 'FAILED')).toEqual([{ name: 'doomed-1', status: 'FAILED' }]);
      expect(await listed(again, 'Renamed')).toEqual([{ name: 'renamed-1', status: 'FAILED' }]);
      expect(second.output()).toContain('[states] fixture-dev-Doomed doomed-1 FAILED');
      // Saved so: the next start finds it failed, not running.
      const record = readdirSync(join(persistDir, 'stepfunctions')).find((file) => file.includes('doomed-1')) ?? '';
      expect(JSON.parse(readFileSync(join(persistDir, 'stepfunctions', record), 'utf8'))).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    } finally {
      for (const sfn of clients) sfn.destroy();
      for (const cloud of clouds) await cloud.stop();
    }
  }, 120_000);

  it('reads and writes nothing without --persist: a start on the same root sees none of the executions kept before', async () => {
    const root = fixtureRoot({ ...echo, ...quick, ...holding('Slow', 60) });
    // Where --persist keeps them by default, so that a start without it would find them if it looked.
    const persistDir = join(root, '.local-cloud');
    const folder = join(persistDir, 'stepfunctions');
    const snapshot = () => Object.fromEntries(readdirSync(folder).map((file) => [file, readFileSync(join(folder, file), 'utf8')]));
    const persisted = await startChildCloud({ root, portBase: nextPortBase(), persistDir });
    const sfn = client(persisted.state.urls.endpoint ?? '');
    try {
      expect((await ended(sfn, await start(sfn, 'Quick', 'kept-1', {}))).status).toBe('SUCCEEDED');
      await waiting(sfn, await start(sfn, 'Slow', 'slow-1', {}));
    } finally {
      sfn.destroy();
      await persisted.stop();
    }
    // Ctrl-C stops its run, and does not end it: it is kept running, to go on at the next --persist start.
    const kept = snapshot();
    const statuses = Object.values(kept).map((text) => JSON.parse(text) as { name: string; status: string });
    expect(statuses.map(({ name, status }) => `${name} ${status}`).sort()).toEqual(['kept-1 SUCCEEDED', 'slow-1 RUNNING']);

    const lines: string[] = [];
    const cloud = await startLocalCloud({ root, portBase: nextPortBase(), persist: false, log: (line) => lines.push(line) });
    const fresh = client(cloud.context.endpoint.url);
    try {
      await expect(fresh.send(new DescribeExecutionCommand({ executionArn: executionArnOf('Quick', 'kept-1') }))).rejects.toMatchObject({
        name: 'ExecutionDoesNotExist',
      });
      expect(await listed(fresh, 'Quick')).toEqual([]);
      expect(await listed(fresh, 'Slow')).toEqual([]);
      expect(lines.filter((line) => line.includes('resumed'))).toEqual([]);
      // The name is free here, and running it writes nothing.
      expect((await ended(fresh, await start(fresh, 'Quick', 'kept-1', {}))).status).toBe('SUCCEEDED');
    } finally {
      fresh.destroy();
      await cloud.stop();
    }
    expect(snapshot()).toEqual(kept);
  }, 120_000);
});
