import { randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import { localAuthorization } from '../../awsCall';
import type { CloudContext, LocalModule } from '../../context';
import { AwsRefusal, type AwsResponse, awsError, forwardJson, jsonOperation, type Operation, type SignedRequest } from '../../operations';
import { persistedPath, RecordFolder } from '../../persistence';
import { type EventLog, type Execution, executionPath, historyEvents } from './history';
import { remainingWaitMs, resumedDefinition, resumePoint, withStartTime } from './resume';

type Definition = ConstructorParameters<typeof StateMachine>[0];

interface LocalStateMachine {
  name: string;
  arn: string;
  roleArn: string;
  createdAt: number;
  /** The key its Task states sign with: the endpoint authorizes them with the state machine's role. */
  accessKeyId: string;
  definition: Definition;
  machine: StateMachine;
}

const LAMBDA_INVOKE = /^arn:aws[a-z-]*:states:::lambda:invoke$/;

/** An execution as --persist keeps it: everything but the handle that stops its run. */
type SavedExecution = Omit<Execution, 'abort'>;

/** A run that goes on from a state of a saved execution (see resume.ts). */
interface Resume {
  state: string;
  input: unknown;
  /** When the state was entered before the local cloud stopped: it is entered again, its first entry stays the one in the history. */
  enteredAt?: number;
}

/** Saves an execution as it is now (under --persist; a no-op without it). */
type Save = (execution: Execution) => void;

/**
 * Step Functions from the templates, run by aws-local-stepfunctions. Every Task state calls the local
 * Lambda Invoke API through the endpoint (so calls are counted as the state machine's); the
 * `arn:aws:states:::lambda:invoke` integration gets its Payload unwrapped and the result wrapped as
 * AWS does. StartExecution, DescribeExecution, GetExecutionHistory, ListExecutions and StopExecution
 * are served on the endpoint with AWS's execution-name rules.
 *
 * Under --persist every execution is kept, as AWS keeps it, one file each in <persist>/stepfunctions,
 * written synchronously at its start, at every event and at its end: a kill -9 at any moment leaves
 * its last step. A start reads them back: the ended ones answer as before (their names stay taken),
 * the running ones go on from the top-level state that was running (see resume.ts), or fail with
 * States.Runtime when their state machine or that state is no longer in the templates.
 */
export function stepFunctionsModule(): LocalModule {
  const executions = new Map<string, Execution>();
  const machines = new Map<string, LocalStateMachine>();
  let saved = new RecordFolder<SavedExecution>(undefined);
  /** Found RUNNING on disk at the start: resumed once the state machines exist. */
  const interrupted: Execution[] = [];
  // Once the local cloud stops, the runs it aborts are not ended: on disk they stay RUNNING, to go on at the next start.
  let stopped = false;
  const save: Save = (execution) => {
    if (stopped) return;
    const { abort: _abort, ...record } = execution;
    saved.write(execution.executionArn, record);
  };
  let run: (machine: LocalStateMachine, execution: Execution, resume?: Resume) => void = () => undefined;
  return {
    name: 'stepfunctions',
    coverage: {
      service: 'AWS Step Functions',
      by: 'aws-local-stepfunctions and the local cloud',
      operations: STATES_OPERATIONS,
      notEmulated: [
        'creating or updating state machines through the API (the templates make them)',
        "Express workflows' synchronous start, activities, task tokens, Distributed Map",
        'Task resources other than Lambda',
      ],
    },
    needs: ['lambda'],
    async start(context) {
      saved = new RecordFolder<SavedExecution>(persistedPath(context, 'stepfunctions'));
      // Read before the endpoint answers for them: a name taken before the restart is still taken.
      for (const record of saved.all()) {
        const execution: Execution = { ...record };
        executions.set(execution.executionArn, execution);
        if (execution.status === 'RUNNING') interrupted.push(execution);
      }
      run = (machine, execution, resume) => {
        const handlers = taskHandlers(context, machine, execution, save);
        const executionContext = {
          Id: execution.executionArn,
          Name: execution.name,
          Input: execution.input as never,
          StartTime: new Date(execution.startDate).toISOString(),
        };
        const options = { overrides: { taskResourceLocalHandlers: handlers }, noThrowOnAbort: true, context: { Execution: executionContext } };
        const input = execution.input as Parameters<StateMachine['run']>[0];
        let keep = (_event: EventLog) => true;
        let running: ReturnType<StateMachine['run']>;
        if (!resume) running = machine.machine.run(input, options);
        else {
          const { definition, entry } = resumedDefinition(machine.definition, resume.state, resume.input, execution.startDate);
          const state = machine.definition.States[resume.state];
          const waitMs =
            state && resume.enteredAt !== undefined ? remainingWaitMs(state, resume.enteredAt, resume.input, { Execution: executionContext }) : undefined;
          if (waitMs !== undefined) {
            // Only this entry of the Wait waits what is left: the library reads the override as each Wait state of that name starts.
            let left: number | undefined = waitMs;
            const waitTimeOverrides = {};
            Object.defineProperty(waitTimeOverrides, resume.state, {
              enumerable: true,
              get: () => {
                const once = left;
                left = undefined;
                return once;
              },
            });
            Object.assign(options.overrides, { waitTimeOverrides });
          }
          // One execution in the history: not the resumed run's own start, its entry state, nor (for a state entered before) its entry again.
          let skipStart = execution.events.some((event) => event.type === 'ExecutionStarted');
          let skipEntry = resume.enteredAt !== undefined;
          keep = (event) => {
            const topLevel = 'state' in event && event.index === undefined;
            if (topLevel && event.state.name === entry) return false;
            if (skipStart && event.type === 'ExecutionStarted') {
              skipStart = false;
              return false;
            }
            if (skipEntry && topLevel && event.type === 'StateEntered' && event.state.name === resume.state) {
              skipEntry = false;
              return false;
            }
            return true;
          };
          const resumed = new StateMachine(definition, { validationOptions: { noValidate: true } });
          running = withStartTime(execution.startDate, () => resumed.run(input, options));
        }
        execution.abort = running.abort;
        void (async () => {
          for await (const event of running.eventLogs as AsyncGenerator<EventLog>) {
            if (!keep(event)) continue;
            execution.events.push(event);
            save(execution);
          }
        })();
        running.result
          .then((output) => {
            if (execution.status === 'RUNNING' && !stopped) Object.assign(execution, { status: 'SUCCEEDED', output });
          })
          .catch((error: Error & { cause?: unknown }) => {
            if (execution.status !== 'RUNNING' || stopped) return;
            // The library wraps what failed the execution (a Fail state's Error and Cause, say).
            const failure = error.name === 'ExecutionError' && error.cause instanceof Error ? error.cause : error;
            Object.assign(execution, { status: 'FAILED', error: failure.name, cause: failure.message });
          })
          .finally(() => {
            if (stopped) return;
            execution.stopDate = Date.now();
            save(execution);
            context.log(`[states] ${executionPath(execution)}`);
          });
      };

      context.endpoint.route('states', {
        operations: STATES_OPERATIONS,
        protocol: () => 'json',
        operation: (request) => statesOperation(request),
        accessDenied: { status: 400, code: 'AccessDeniedException' },
        handle: async (request) => {
          const input = JSON.parse(request.body.toString() || '{}') as Record<string, string | undefined>;
          return api(request.action, input, machines, executions, run, save);
        },
      });
      context.endpoint.localApi('executions', () => [...executions.values()].map((execution) => ({ ...describe(execution), path: executionPath(execution) })));
    },
    creates: {
      'AWS::StepFunctions::StateMachine': async ({ resolver, logicalId, properties: p }, context) => {
        const roleArn = resolver.resolveString(p.RoleArn);
        const role = context.iam.role(roleArn);
        // CreateStateMachine refuses a role Step Functions may not assume.
        if (!role || !context.iam.trusts(role, 'states.amazonaws.com'))
          throw new Error(
            `AccessDeniedException: Neither the global service principal states.amazonaws.com, nor the regional one is authorized to assume the provided role. (${roleArn}${role ? '' : ' does not exist'})`,
          );
        const definition = (p.Definition ? resolver.resolve(p.Definition) : JSON.parse(resolver.resolveString(p.DefinitionString))) as Definition;
        const arn = resolver.ref(logicalId);
        const name = resolver.getAtt(logicalId, 'Name');
        const machine: LocalStateMachine = {
          name,
          arn,
          roleArn,
          createdAt: Date.now(),
          definition,
          accessKeyId: `STATES${name.replace(/[^A-Za-z0-9]/g, '')}`,
          machine: new StateMachine(definition, { validationOptions: { checkPaths: false } }),
        };
        // Task states call with the state machine's role, as Step Functions does.
        context.iam.nameCaller(machine.accessKeyId, `states:${name}`, context.iam.session(role, `states-${name}`.slice(0, 64)));
        machines.set(arn, machine);
        context.log(`state machine ${name}`);
      },
    },
    async started(context) {
      for (const execution of interrupted.splice(0)) {
        if (execution.status !== 'RUNNING') continue; // Stopped through the API meanwhile.
        const machineName = execution.stateMachineArn.split(':').pop() ?? execution.stateMachineArn;
        const machine = machines.get(execution.stateMachineArn);
        const point = machine ? resumePoint(execution, machine.definition, machineName) : undefined;
        if (!machine || !point || point.kind === 'impossible') {
          const why = point?.kind === 'impossible' ? point.reason : `its state machine ${machineName} is no longer in the templates`;
          const cause = `The local cloud stopped while it ran, and it could not be resumed because ${why}`;
          const stopDate = Date.now();
          execution.events.push({ type: 'ExecutionFailed', timestamp: stopDate, Error: 'States.Runtime', Cause: cause });
          Object.assign(execution, { status: 'FAILED', error: 'States.Runtime', cause, stopDate });
        } else if (point.kind === 'ended') {
          // Killed as it ended: its last event tells how.
          const { kind: _kind, at, ...end } = point;
          Object.assign(execution, end, { stopDate: at });
        } else {
          run(machine, execution, point);
          context.log(`[states] resumed ${machineName} ${execution.name} at ${point.state} (the local cloud stopped while it ran)`);
          continue;
        }
        save(execution);
        context.log(`[states] ${executionPath(execution)}`);
      }
    },
    async stop() {
      stopped = true;
      for (const execution of executions.values()) if (execution.status === 'RUNNING') execution.abort?.();
    },
  };
}

/** The Step Functions operations the local cloud serves, authorized on the state machine or execution they name. */
/** Each operation with the ARN it is authorized on: a state machine's, an execution's, or none. */
const ON_MACHINE = ['StartExecution', 'ListExecutions', 'DescribeStateMachine'];
const ON_EXECUTION = ['DescribeExecution', 'GetExecutionHistory', 'StopExecution', 'DescribeStateMachineForExecution'];
const STATES_OPERATIONS = ['ListStateMachines', ...ON_MACHINE, ...ON_EXECUTION];

function statesOperation(request: SignedRequest): Operation {
  const { prefix, name, input } = jsonOperation(request, ['AWSStepFunctions']);
  if (name === 'ListStateMachines')
    return { name, permissions: [{ action: 'states:ListStateMachines', resource: '*' }], forward: forwardJson(prefix, name, input) };
  if (!ON_MACHINE.includes(name) && !ON_EXECUTION.includes(name))
    throw new AwsRefusal(400, 'UnknownOperationException', `The local Step Functions API does not support ${name}`);
  const field = ON_MACHINE.includes(name) ? 'stateMachineArn' : 'executionArn';
  if (typeof input[field] !== 'string') throw new AwsRefusal(400, 'ValidationException', `${name} needs ${field}`);
  return { name, permissions: [{ action: `states:${name}`, resource: String(input[field]) }], forward: forwardJson(prefix, name, input) };
}

function ok(payload: unknown): AwsResponse {
  return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(payload) };
}

function describe(execution: Execution) {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: execution.startDate / 1000,
    stopDate: execution.stopDate ? execution.stopDate / 1000 : undefined,
    input: JSON.stringify(execution.input),
    output: execution.output === undefined ? undefined : JSON.stringify(execution.output),
    error: execution.error,
    cause: execution.cause,
  };
}

function api(
  action: string,
  input: Record<string, string | undefined>,
  machines: Map<string, LocalStateMachine>,
  executions: Map<string, Execution>,
  run: (machine: LocalStateMachine, execution: Execution) => void,
  save: Save,
): AwsResponse {
  const execution = input.executionArn ? executions.get(input.executionArn) : undefined;
  switch (action) {
    case 'StartExecution': {
      const machine = machines.get(input.stateMachineArn ?? '');
      if (!machine) return awsError(400, 'StateMachineDoesNotExist', `State Machine Does Not Exist: '${input.stateMachineArn}'`);
      const name = input.name ?? randomUUID();
      if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) return awsError(400, 'InvalidName', `Invalid Name: '${name}'`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(input.input ?? '{}');
      } catch {
        return awsError(400, 'InvalidExecutionInput', 'Invalid State Machine Execution Input: not JSON');
      }
      const executionArn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}`;
      const existing = executions.get(executionArn);
      // AWS: the same name and input while running is the same execution; anything else already exists.
      if (existing) {
        if (existing.status === 'RUNNING' && JSON.stringify(existing.input) === JSON.stringify(parsed)) {
          return ok({ executionArn, startDate: existing.startDate / 1000 });
        }
        return awsError(400, 'ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
      }
      const created: Execution = {
        executionArn,
        stateMachineArn: machine.arn,
        roleArn: machine.roleArn,
        name,
        input: parsed,
        status: 'RUNNING',
        startDate: Date.now(),
        events: [],
        taskEvents: [],
      };
      executions.set(executionArn, created);
      save(created);
      run(machine, created);
      return ok({ executionArn, startDate: created.startDate / 1000 });
    }
    case 'DescribeExecution':
      if (!execution) return awsError(400, 'ExecutionDoesNotExist', `Execution Does Not Exist: '${input.executionArn}'`);
      return ok(describe(execution));
    case 'GetExecutionHistory':
      if (!execution) return awsError(400, 'ExecutionDoesNotExist', `Execution Does Not Exist: '${input.executionArn}'`);
      return ok({ events: historyEvents(execution, input.reverseOrder === 'true' || (input.reverseOrder as unknown) === true) });
    case 'ListStateMachines':
      return ok({
        stateMachines: [...machines.values()].map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD', creationDate: m.createdAt / 1000 })),
      });
    case 'DescribeStateMachine':
    case 'DescribeStateMachineForExecution': {
      const machine = action === 'DescribeStateMachine' ? machines.get(input.stateMachineArn ?? '') : execution && machines.get(execution.stateMachineArn);
      if (!machine) {
        return action === 'DescribeStateMachine'
          ? awsError(400, 'StateMachineDoesNotExist', `State Machine Does Not Exist: '${input.stateMachineArn}'`)
          : awsError(400, 'ExecutionDoesNotExist', `Execution Does Not Exist: '${input.executionArn}'`);
      }
      return ok({
        stateMachineArn: machine.arn,
        name: machine.name,
        status: 'ACTIVE',
        definition: JSON.stringify(machine.definition),
        roleArn: machine.roleArn,
        type: 'STANDARD',
        creationDate: machine.createdAt / 1000,
        updateDate: machine.createdAt / 1000,
        loggingConfiguration: { level: 'OFF', includeExecutionData: false },
        tracingConfiguration: { enabled: false },
      });
    }
    case 'ListExecutions':
      return ok({
        executions: [...executions.values()]
          .filter((candidate) => candidate.stateMachineArn === input.stateMachineArn && (!input.statusFilter || candidate.status === input.statusFilter))
          .map((candidate) => {
            const { input: _input, output: _output, error: _error, cause: _cause, ...summary } = describe(candidate);
            return summary;
          }),
      });
    case 'StopExecution':
      if (!execution) return awsError(400, 'ExecutionDoesNotExist', `Execution Does Not Exist: '${input.executionArn}'`);
      if (execution.status === 'RUNNING') {
        Object.assign(execution, { status: 'ABORTED', error: input.error, cause: input.cause, stopDate: Date.now() });
        save(execution);
        execution.abort?.();
      }
      return ok({ stopDate: (execution.stopDate ?? Date.now()) / 1000 });
    default:
      return awsError(400, 'UnsupportedOperation', `The local Step Functions API does not support ${action}`);
  }
}

/** A local handler for every Task state: Lambda through the endpoint's Invoke API. */
function taskHandlers(context: CloudContext, machine: LocalStateMachine, execution: Execution, save: Save) {
  const handlers: Record<string, (input: unknown) => Promise<never>> = {};
  const visit = (states: Record<string, { Type: string; Resource?: string; Iterator?: unknown; ItemProcessor?: unknown; Branches?: unknown[] }>) => {
    for (const [stateName, state] of Object.entries(states)) {
      if (state.Type === 'Task' && state.Resource) {
        const resource = state.Resource;
        handlers[stateName] = async (input) => {
          // The Task's own events, as GetExecutionHistory shows them between the state's entry and exit.
          const task = (type: string, details: Record<string, unknown>) => {
            execution.taskEvents.push({ state: stateName, type, timestamp: Date.now(), details });
            save(execution);
          };
          const kind = { resourceType: 'lambda', resource: LAMBDA_INVOKE.test(resource) ? 'invoke' : resource };
          task('TaskScheduled', { ...kind, region: context.region, parameters: JSON.stringify(input) });
          task('TaskStarted', kind);
          try {
            const output = await invokeTask(context, machine, resource, input);
            task('TaskSucceeded', { ...kind, output: JSON.stringify(output) });
            return output as never;
          } catch (error) {
            task('TaskFailed', { ...kind, error: (error as Error).name, cause: (error as Error).message });
            throw error;
          }
        };
      }
      for (const nested of [state.Iterator, state.ItemProcessor, ...(state.Branches ?? [])]) {
        const inner = (nested as { States?: typeof states } | undefined)?.States;
        if (inner) visit(inner);
      }
    }
  };
  visit((machine.definition as unknown as { States: Parameters<typeof visit>[0] }).States);
  return handlers as never;
}

async function invokeTask(context: CloudContext, machine: LocalStateMachine, resource: string, input: unknown): Promise<unknown> {
  const integration = LAMBDA_INVOKE.test(resource);
  if (!integration && !resource.includes(':lambda:') && !resource.includes(':function:')) {
    throw Object.assign(new Error(`The local cloud cannot run Task resource ${resource}`), { name: 'States.Runtime' });
  }
  const { FunctionName, Payload } = integration ? (input as { FunctionName: string; Payload?: unknown }) : { FunctionName: resource, Payload: input };
  const response = await fetch(`${context.endpoint.url}/2015-03-31/functions/${encodeURIComponent(FunctionName)}/invocations`, {
    method: 'POST',
    headers: { authorization: localAuthorization('lambda', machine.accessKeyId, context.region) },
    body: JSON.stringify(Payload ?? {}),
  });
  const text = await response.text();
  if (!response.ok) {
    const code = response.headers.get('x-amzn-errortype') ?? 'ServiceException';
    throw Object.assign(new Error(text), { name: `Lambda.${code.replace(/Exception$/, '')}Exception` });
  }
  const payload = text ? (JSON.parse(text) as unknown) : null;
  if (response.headers.get('x-amz-function-error')) {
    // Step Functions names the error after the function's errorType, the cause is the error JSON.
    const error = payload as { errorType?: string; errorMessage?: string };
    throw Object.assign(new Error(text), { name: error.errorType ?? 'Lambda.Unknown' });
  }
  return integration ? { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 } : payload;
}
