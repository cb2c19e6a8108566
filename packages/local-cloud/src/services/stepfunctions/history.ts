import type { StateMachine } from 'aws-local-stepfunctions';

/** One entry of an execution's event log (the library does not export the type by name). */
export type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** What a Task state did, for the history (the library logs states, not the work of their tasks). */
export interface TaskEvent {
  state: string;
  type: string;
  timestamp: number;
  details: Record<string, unknown>;
}

export interface Execution {
  executionArn: string;
  stateMachineArn: string;
  roleArn: string;
  name: string;
  input: unknown;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  startDate: number;
  stopDate?: number;
  output?: unknown;
  error?: string;
  cause?: string;
  events: EventLog[];
  taskEvents: TaskEvent[];
  abort?: () => void;
}

/** One readable line: the states entered, failures and retries, and how it ended. */
export function executionPath(execution: Execution): string {
  const steps: string[] = [];
  for (const event of execution.events) {
    if (event.type === 'StateEntered') steps.push(event.state.name);
    if (event.type === 'StateFailed') steps.push(`✗ ${event.Error}`);
    if (event.type === 'StateRetried') steps.push(`retry ${event.retry.attempt}`);
    if (event.type === 'StateCaught') steps.push('caught');
  }
  const took = execution.stopDate ? ` in ${execution.stopDate - execution.startDate} ms` : '';
  const why = execution.error ? ` (${execution.error}${execution.cause ? `: ${execution.cause.slice(0, 300)}` : ''})` : '';
  return `${execution.stateMachineArn.split(':').pop()} ${execution.name} ${execution.status}${took}${why}: ${steps.join(' -> ')}`;
}

const TYPE_NAMES: Record<string, string> = {
  Task: 'Task',
  Choice: 'Choice',
  Pass: 'Pass',
  Wait: 'Wait',
  Succeed: 'Succeed',
  Fail: 'Fail',
  Map: 'Map',
  Parallel: 'Parallel',
};

const TASK_DETAILS: Record<string, string> = {
  TaskScheduled: 'taskScheduledEventDetails',
  TaskStarted: 'taskStartedEventDetails',
  TaskSucceeded: 'taskSucceededEventDetails',
  TaskFailed: 'taskFailedEventDetails',
};

/**
 * The execution's events in GetExecutionHistory's shape (ids, types and details as AWS names them):
 * each state's entry and exit, and between them a Task's TaskScheduled, TaskStarted, then
 * TaskSucceeded or TaskFailed (a retry schedules the task again).
 */
export function historyEvents(execution: Execution, reverse: boolean): Array<Record<string, unknown>> {
  const pending = [...execution.taskEvents];
  const out: Array<Record<string, unknown>> = [];
  const add = (timestamp: number, event: Record<string, unknown>) =>
    out.push({ timestamp: timestamp / 1000, id: out.length + 1, previousEventId: out.length, ...event });
  // A state's task events, up to a moment, go before the library's next event about that state.
  const flush = (state: string | undefined, until: number) => {
    for (let index = 0; index < pending.length; ) {
      const task = pending[index] as TaskEvent;
      if ((state === undefined || task.state === state) && task.timestamp <= until) {
        add(task.timestamp, { type: task.type, [TASK_DETAILS[task.type] ?? 'taskEventDetails']: task.details });
        pending.splice(index, 1);
      } else index += 1;
    }
  };
  for (const event of execution.events) {
    switch (event.type) {
      case 'ExecutionStarted':
        add(event.timestamp, { type: 'ExecutionStarted', executionStartedEventDetails: { input: JSON.stringify(event.input), roleArn: execution.roleArn } });
        break;
      case 'ExecutionSucceeded':
        flush(undefined, Number.POSITIVE_INFINITY);
        add(event.timestamp, { type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: JSON.stringify(event.output) } });
        break;
      case 'ExecutionFailed':
        flush(undefined, Number.POSITIVE_INFINITY);
        add(event.timestamp, { type: 'ExecutionFailed', executionFailedEventDetails: { error: event.Error, cause: String(event.Cause ?? '') } });
        break;
      case 'StateEntered':
        add(event.timestamp, {
          type: `${TYPE_NAMES[event.state.type]}StateEntered`,
          stateEnteredEventDetails: { name: event.state.name, input: JSON.stringify(event.state.input) },
        });
        break;
      case 'StateExited':
        flush(event.state.name, event.timestamp);
        add(event.timestamp, {
          type: `${TYPE_NAMES[event.state.type]}StateExited`,
          stateExitedEventDetails: { name: event.state.name, output: JSON.stringify(event.state.output) },
        });
        break;
      case 'StateFailed':
      case 'StateRetried':
      case 'StateCaught':
        // Told by the task's own TaskFailed and the TaskScheduled of its retry.
        flush(event.state.name, event.timestamp);
        break;
      default:
        break;
    }
  }
  flush(undefined, Number.POSITIVE_INFINITY);
  return reverse ? out.reverse() : out;
}
