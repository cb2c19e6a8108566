import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CloudContext } from '../../context';
import { persistedPath, RecordFolder } from '../../persistence';
import { failedInvocationRecord, sendToOnFailureDestination } from './destinations';
import type { InvokeResult, LocalFunction } from './runtime';

/** Delays before the retries of an asynchronous invocation (AWS waits about 1 and 2 minutes). */
const ASYNC_RETRY_DELAYS_MS = [1_000, 2_000];

/** An event Lambda has accepted (202) and not yet finished with: its queue, kept under --persist. */
interface QueuedInvocation {
  id: string;
  functionName: string;
  event: unknown;
  source: string;
  queuedAt: number;
}

const queueOf = (context: CloudContext) => new RecordFolder<QueuedInvocation>(persistedPath(context, 'lambda-async'));

/**
 * An asynchronous invocation as Lambda makes it for IoT, S3, SNS, schedules or InvocationType=Event:
 * two retries after a failure (or the EventInvokeConfig's MaximumRetryAttempts), then the event goes
 * to the on-failure destination if there is one, and is logged in full either way, so nothing
 * vanishes without a trace. Lambda keeps the events it accepted in a queue of its own until they are
 * done: under --persist so does the local cloud, and a restart takes up what a stop or a kill cut
 * short (from its first attempt: Lambda's delivery is at least once).
 */
export function invokeAsync(context: CloudContext, fn: LocalFunction, event: unknown, source: string): Promise<InvokeResult | undefined> {
  const queued: QueuedInvocation = { id: randomUUID(), functionName: fn.config.name, event, source, queuedAt: Date.now() };
  queueOf(context).write(queued.id, queued);
  return run(context, fn, queued);
}

/** After a restart under --persist: the events accepted before it and not done, run again. */
export function resumeAsyncInvocations(context: CloudContext): void {
  const queue = queueOf(context);
  for (const queued of queue.all().sort((a, b) => a.queuedAt - b.queuedAt)) {
    const fn = context.functions.find(queued.functionName);
    if (!fn) {
      // Lambda drops the queue of a function that is deleted; say so, with the event.
      context.log(
        `[${queued.functionName}] an event queued before the restart is dropped: the function no longer exists; event: ${JSON.stringify(queued.event)}`,
      );
      queue.delete(queued.id);
      continue;
    }
    context.log(`[${fn.config.name}] async invocation from ${queued.source}, queued before the restart, runs now`);
    void run(context, fn, queued);
  }
}

async function run(context: CloudContext, fn: LocalFunction, queued: QueuedInvocation): Promise<InvokeResult | undefined> {
  try {
    const result = await fn.track(() => invokeWithRetries(context, fn, queued.event, queued.source));
    queueOf(context).delete(queued.id);
    return result;
  } catch (error) {
    // Stopped with the local cloud: the event stays queued for the next start (under --persist).
    if (fn.isStopped) return undefined;
    queueOf(context).delete(queued.id);
    context.log(
      `[${fn.config.name}] async invocation from ${queued.source} could not run: ${(error as Error).message}; event: ${JSON.stringify(queued.event)}`,
    );
    return undefined;
  }
}

async function invokeWithRetries(context: CloudContext, fn: LocalFunction, event: unknown, source: string): Promise<InvokeResult> {
  const retries = ASYNC_RETRY_DELAYS_MS.slice(0, fn.config.asyncInvoke?.maximumRetryAttempts ?? ASYNC_RETRY_DELAYS_MS.length);
  let result = await fn.invoke(event);
  for (const delay of retries) {
    if (result.ok) return result;
    context.log(
      `[${fn.config.name}] async invocation from ${source} failed (${result.error.errorType}: ${result.error.errorMessage}); retrying in ${delay} ms`,
    );
    await sleep(delay);
    if (fn.isStopped) throw new Error(`${fn.config.name} is stopped`);
    result = await fn.invoke(event);
  }
  if (result.ok) return result;
  const onFailure = fn.config.asyncInvoke?.onFailure;
  context.log(
    `[${fn.config.name}] async invocation from ${source} failed ${retries.length + 1} time(s)${onFailure ? `; reporting it to ${onFailure}` : ' and has no on-failure destination'}; event: ${JSON.stringify(event)}`,
  );
  if (onFailure) {
    const record = failedInvocationRecord({
      requestId: result.requestId,
      functionArn: fn.config.arn,
      invocations: retries.length + 1,
      event,
      error: result.error,
    });
    await sendToOnFailureDestination(context, onFailure, record).catch((error: Error) =>
      context.log(`[${fn.config.name}] could not report the failed invocation to ${onFailure}: ${error.message}; ${JSON.stringify(record)}`),
    );
  }
  return result;
}
