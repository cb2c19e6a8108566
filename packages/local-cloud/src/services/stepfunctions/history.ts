import type { StateMachine } from 'aws-local-stepfunctions';

/** One entry of an execution's event log (the library does not export the type by name). */
export type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export interface Execution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: unknown;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
  startDate: number;
  stopDate?: number;
  output?: unknown;
  error?: string;
  cause?: string;
  events: EventLog[];
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

/** The execution's events in GetExecutionHistory's shape (ids, types and details as AWS names them). */
export function historyEvents(execution: Execution, reverse: boolean): Array<Record<string, unknown>> {
  const events = execution.events.flatMap((event, index): Array<Record<string, unknown>> => {
    const base = { timestamp: event.timestamp / 1000, id: index + 1, previousEventId: index };
    switch (event.type) {
      case 'ExecutionStarted':
        return [{ ...base, type: 'ExecutionStarted', executionStartedEventDetails: { input: JSON.stringify(event.input), roleArn: '' } }];
      case 'ExecutionSucceeded':
        return [{ ...base, type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: JSON.stringify(event.output) } }];
      case 'ExecutionFailed':
        return [{ ...base, type: 'ExecutionFailed', executionFailedEventDetails: { error: event.Error, cause: String(event.Cause ?? '') } }];
      case 'StateEntered':
        return [
          {
            ...base,
            type: `${TYPE_NAMES[event.state.type]}StateEntered`,
            stateEnteredEventDetails: { name: event.state.name, input: JSON.stringify(event.state.input) },
          },
        ];
      case 'StateExited':
        return [
          {
            ...base,
            type: `${TYPE_NAMES[event.state.type]}StateExited`,
            stateExitedEventDetails: { name: event.state.name, output: JSON.stringify(event.state.output) },
          },
        ];
      case 'StateFailed':
        return [{ ...base, type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: { error: event.Error, cause: String(event.Cause ?? '') } }];
      case 'StateRetried':
        return [
          { ...base, type: 'LambdaFunctionScheduled', lambdaFunctionScheduledEventDetails: { resource: event.state.name, retryAttempt: event.retry.attempt } },
        ];
      default:
        return [];
    }
  });
  return reverse ? events.reverse() : events;
}
