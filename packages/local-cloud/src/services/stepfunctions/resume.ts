import type { StateMachine } from 'aws-local-stepfunctions';
import type { EventLog, Execution } from './history';

/**
 * How an execution found RUNNING on disk (the local cloud was killed, or stopped, while it ran) goes
 * on, as Step Functions would have carried it on: from the top-level state that was running, with
 * the input it had. A state is entered again from its start: a Wait waits only what was left of it,
 * a Task is invoked again at once (a Task killed during its retry backoff starts its retry count
 * over), a Map or Parallel runs all of its iterations or branches again.
 */

type Definition = ConstructorParameters<typeof StateMachine>[0];
type StateDefinition = Definition['States'][string];

/** Where a saved execution goes on: the state it enters (again, when enteredAt is set), or how it had already ended. */
export type ResumePoint =
  | { kind: 'enter'; state: string; input: unknown; enteredAt?: number }
  | { kind: 'ended'; at: number; status: 'SUCCEEDED'; output: unknown }
  | { kind: 'ended'; at: number; status: 'FAILED'; error: string; cause: string }
  | { kind: 'impossible'; reason: string };

type StateEvent = Extract<EventLog, { state: unknown }>;

const CONTAINERS = new Set(['Map', 'Parallel']);

/**
 * The top-level state running when the execution stopped: the last one entered without a later exit
 * (states run one at a time at the top; while a Map or Parallel runs, the states entered are its
 * iterations' and branches', until it exits). Killed between a state's exit and the next entry, the
 * execution goes on where that exit led (a Choice is decided again: it does nothing else).
 */
export function resumePoint(execution: Execution, definition: Definition, machineName: string): ResumePoint {
  let open: StateEvent | undefined;
  let caughtBy: string | undefined;
  let exited: { event: StateEvent; caughtBy?: string } | undefined;
  for (const event of execution.events) {
    if (event.type === 'ExecutionSucceeded') return { kind: 'ended', at: event.timestamp, status: 'SUCCEEDED', output: event.output };
    if (event.type === 'ExecutionFailed') return { kind: 'ended', at: event.timestamp, status: 'FAILED', error: event.Error, cause: String(event.Cause ?? '') };
    // Map iterations' own state events carry their index; the Map and Parallel events of their own have no state.
    if (!('state' in event) || event.index !== undefined) continue;
    const { name, type } = event.state;
    if (event.type === 'StateEntered') {
      if (open && CONTAINERS.has(open.state.type)) continue;
      open = event;
      caughtBy = undefined;
      exited = undefined;
    } else if (open && name === open.state.name && type === open.state.type) {
      if (event.type === 'StateCaught') caughtBy = event.catch.catcher.Next;
      if (event.type === 'StateExited') {
        exited = { event, caughtBy };
        open = undefined;
      }
    }
  }
  const states = definition.States;
  const missing = (state: string): ResumePoint => ({ kind: 'impossible', reason: `its state ${state} is no longer in the definition of ${machineName}` });
  if (open) {
    const { name, input } = open.state;
    return states[name] ? { kind: 'enter', state: name, input, enteredAt: open.timestamp } : missing(name);
  }
  if (!exited) return states[definition.StartAt] ? { kind: 'enter', state: definition.StartAt, input: execution.input } : missing(definition.StartAt);
  const { name, input, output } = exited.event.state;
  const state = states[name] as (StateDefinition & { Next?: string; End?: boolean }) | undefined;
  if (!state) return missing(name);
  if (state.Type === 'Choice') return { kind: 'enter', state: name, input };
  const next = exited.caughtBy ?? state.Next;
  if (!next) return { kind: 'ended', at: exited.event.timestamp, status: 'SUCCEEDED', output };
  return states[next] ? { kind: 'enter', state: next, input: output } : missing(next);
}

/**
 * What is left of a Wait entered at `enteredAt`, in ms, for the library's waitTimeOverrides; undefined
 * when the library's own wait is right (a Timestamp or TimestampPath is a moment, not a duration) or
 * the duration cannot be read here (a SecondsPath beyond plain names and indexes: the full wait).
 */
export function remainingWaitMs(state: StateDefinition, enteredAt: number, input: unknown, context: unknown, now = Date.now()): number | undefined {
  if (state.Type !== 'Wait') return undefined;
  let seconds: unknown = state.Seconds;
  if (seconds === undefined && state.SecondsPath) {
    const effective = state.InputPath === undefined ? input : state.InputPath === null ? {} : pathValue(state.InputPath, input, context);
    seconds = effective === MISSING ? MISSING : pathValue(state.SecondsPath, effective, context);
  }
  return typeof seconds === 'number' ? Math.max(0, enteredAt + seconds * 1000 - now) : undefined;
}

const MISSING = Symbol('missing');

/** A JSONPath of names and indexes ($.a.b, $['a'][0], $$.Execution.Input.x), or MISSING. */
function pathValue(path: string, input: unknown, context: unknown): unknown {
  if (!path.startsWith('$')) return MISSING;
  let value = path.startsWith('$$') ? context : input;
  let rest = path.replace(/^\$\$?/, '');
  const step = /^(?:\.([^.[\]]+)|\['([^']*)'\]|\["([^"]*)"\]|\[(\d+)\])/;
  while (rest) {
    const match = step.exec(rest);
    if (!match) return MISSING;
    const key = match[4] === undefined ? (match[1] ?? match[2] ?? match[3] ?? '') : Number(match[4]);
    if (value === null || typeof value !== 'object' || !(key in value)) return MISSING;
    value = (value as Record<string | number, unknown>)[key];
    rest = rest.slice(match[0].length);
  }
  return value;
}

/**
 * The definition to run from `state` with `input`, as the library runs any definition: from a Pass
 * state of its own (its events are not the execution's) that hands `input` to `state`, so that the
 * run's own input, and $$.Execution.Input, stay the execution's. The execution's time limit counts
 * from its start, not from the resume.
 */
export function resumedDefinition(
  definition: Definition,
  state: string,
  input: unknown,
  startDate: number,
  now = Date.now(),
): { definition: Definition; entry: string } {
  let entry = 'local cloud resumes';
  while (entry in definition.States) entry += '.';
  // A Pass state outputs its Result when there is one (truthy); Parameters give the others (null, 0, false, '') as they are.
  const pass = input ? { Type: 'Pass', Result: input, Next: state } : { Type: 'Pass', Parameters: input, Next: state };
  const resumed = { ...definition, StartAt: entry, States: { ...definition.States, [entry]: pass } } as Definition;
  if (definition.TimeoutSeconds !== undefined) resumed.TimeoutSeconds = Math.max(0.001, (startDate + definition.TimeoutSeconds * 1000 - now) / 1000);
  return { definition: resumed, entry };
}

/**
 * Calls `start` with `new Date()` answering `at`: the library stamps $$.Execution.StartTime with the
 * moment its run begins (over the context it is given), synchronously as run() is called, so the
 * execution's own start time goes in only for that call.
 */
export function withStartTime<T>(at: number, start: () => T): T {
  const RealDate = globalThis.Date;
  globalThis.Date = new Proxy(RealDate, {
    construct: (target, args: unknown[]) => Reflect.construct(target, args.length ? args : [at]),
  });
  try {
    return start();
  } finally {
    globalThis.Date = RealDate;
  }
}
