import { type ChildProcess, fork } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, stop as stopEsbuild } from 'esbuild';

export interface FunctionConfig {
  service: string;
  logicalId: string;
  name: string;
  arn: string;
  handler: string;
  codeDir: string;
  timeoutSeconds: number;
  memoryMb: number;
  /** The execution role: what the function's calls, event source mappings and destinations are authorized with. */
  roleArn: string;
  runtime: string;
  description: string;
  architectures: string[];
  /** The environment the template gives it (the local cloud adds AWS_* variables of its own). */
  templateVariables: Record<string, string>;
  codeSize: number;
  codeSha256: string;
  lastModified: string;
  /** Its resource policy's statements, as Lambda's GetPolicy gives them (one per AWS::Lambda::Permission). */
  permissions: unknown[];
  environment: Record<string, string>;
  /** From the function's AWS::Lambda::EventInvokeConfig: retries of an asynchronous invocation and where a failed one goes. */
  asyncInvoke?: { maximumRetryAttempts: number; onFailure?: string };
}

export interface LambdaError {
  errorType: string;
  errorMessage: string;
  trace?: string[];
}

/** An invocation's outcome, with its log as Lambda writes it (START, what the function printed, END, REPORT). */
export type InvokeResult = ({ ok: true; result: unknown } | { ok: false; error: LambdaError }) & { requestId: string; log: string };

interface Worker {
  process: ChildProcess;
  ready: Promise<{ initMs: number }>;
  busy: boolean;
  cold: boolean;
  /** What the worker printed during the invocation it runs, for its log (LogResult). */
  printed: string[];
}

/**
 * The worker's entry, bundled once to plain JavaScript: run as .ts, Node would load its type
 * stripper (a WebAssembly compiler) into every worker, memory and start-up time the function
 * would not spend in Lambda.
 */
const BOOTSTRAP = await (async () => {
  const { outputFiles } = await build({
    entryPoints: [fileURLToPath(new URL('./bootstrap.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    write: false,
  });
  // Nothing else here needs esbuild's service process (~12 MB): stopped, not left running.
  await stopEsbuild();
  const code = outputFiles?.[0]?.text;
  if (!code) throw new Error('esbuild wrote no bundle for the Lambda bootstrap');
  const file = join(tmpdir(), `zero-idle-bootstrap-${createHash('sha256').update(code).digest('hex').slice(0, 12)}.mjs`);
  if (!existsSync(file)) writeFileSync(file, code);
  return file;
})();

/**
 * One Lambda function: a pool of worker processes, each an execution environment that runs one
 * invocation at a time and stays warm for the next. More concurrent invocations start more workers,
 * up to `maxConcurrency`; beyond that invocations wait, as with reserved concurrency.
 */
export class LocalFunction {
  private readonly workers: Worker[] = [];
  /** Invocations started, finished and failed so far, for the local API, tests and cost figures. */
  readonly stats = { invocations: 0, completed: 0, errors: 0 };
  private readonly waiting: Array<() => void> = [];
  private stopped = false;

  /** Once the local cloud stops it: what it was asked to do is left for the next start (see asyncInvoke.ts). */
  get isStopped(): boolean {
    return this.stopped;
  }
  /**
   * Work aimed at this function and not over: invocations running, and async invocations and event
   * source batches with their retries. With `caughtUp`, what tests wait on instead of sleeping.
   */
  private pendingWork = 0;
  private lastFinishedAt = 0;
  /** Per event source poller (stream shard, queue poller): when the last poll that found nothing to deliver began. */
  private readonly caughtUp = new Map<string, number>();

  constructor(
    readonly config: FunctionConfig,
    private readonly output: (line: string) => void,
    private readonly maxConcurrency = 4,
  ) {}

  /** Counts `work` as pending on this function until it settles. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.pendingWork += 1;
    try {
      return await work();
    } finally {
      this.pendingWork -= 1;
      this.lastFinishedAt = Date.now();
    }
  }

  /** An event source poller found nothing left to deliver, in a poll that began at `polledAt`. */
  sourceCaughtUp(source: string, polledAt: number): void {
    this.caughtUp.set(source, polledAt);
  }

  /** A poller that has not polled yet: the function is not quiet until it has. */
  addSource(source: string): void {
    if (!this.caughtUp.has(source)) this.caughtUp.set(source, 0);
  }

  /** A poller that ended (a closed shard, a stopped mapping). */
  removeSource(source: string): void {
    this.caughtUp.delete(source);
  }

  /** Nothing running or pending, when the last piece of work ended, and the oldest poller's last empty poll. */
  activity(): { pending: number; lastFinishedAt: number; caughtUpAt: number | null } {
    const polls = [...this.caughtUp.values()];
    return { pending: this.pendingWork, lastFinishedAt: this.lastFinishedAt, caughtUpAt: polls.length ? Math.min(...polls) : null };
  }

  invoke(event: unknown): Promise<InvokeResult> {
    return this.track(() => this.invokeNow(event));
  }

  private async invokeNow(event: unknown): Promise<InvokeResult> {
    const worker = await this.acquire();
    const requestId = randomUUID();
    this.stats.invocations += 1;
    try {
      const result = await this.run(worker, requestId, event);
      if (!result.ok) this.stats.errors += 1;
      return result;
    } finally {
      this.stats.completed += 1;
      worker.busy = false;
      this.waiting.shift()?.();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.workers].map((worker) => this.kill(worker)));
  }

  private async acquire(): Promise<Worker> {
    for (;;) {
      if (this.stopped) throw new Error(`${this.config.name} is stopped`);
      const idle = this.workers.find((worker) => !worker.busy && worker.process.connected);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (this.workers.length < this.maxConcurrency) {
        const worker = this.spawn();
        worker.busy = true;
        return worker;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private spawn(): Worker {
    const child = fork(BOOTSTRAP, [], {
      execArgv: [`--max-old-space-size=${this.config.memoryMb}`],
      env: { ...this.config.environment, LOCAL_LAMBDA_CODE_DIR: this.config.codeDir, _HANDLER: this.config.handler },
      cwd: this.config.codeDir,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const prefix = `[${this.config.name}]`;
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream?.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString()).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          this.output(`${prefix} ${line}`);
          worker.printed.push(line);
        }
      });
    }
    const ready = new Promise<{ initMs: number }>((resolve, reject) => {
      child.once('message', (message: { type: string; initMs: number }) => resolve(message));
      child.once('exit', (code) => reject(new Error(`${this.config.name} exited during init (code ${code})`)));
    });
    ready.catch(() => undefined);
    const worker: Worker = { process: child, ready, busy: false, cold: true, printed: [] };
    child.once('exit', () => this.forget(worker));
    this.workers.push(worker);
    return worker;
  }

  private forget(worker: Worker): void {
    const index = this.workers.indexOf(worker);
    if (index >= 0) this.workers.splice(index, 1);
  }

  private async run(worker: Worker, requestId: string, event: unknown): Promise<InvokeResult> {
    const { name, arn, memoryMb, timeoutSeconds } = this.config;
    const started = performance.now();
    const deadline = Date.now() + timeoutSeconds * 1000;
    let initMs: number | undefined;
    try {
      ({ initMs } = await worker.ready);
    } catch (error) {
      return { ok: false, requestId, error: { errorType: 'Runtime.ExitError', errorMessage: (error as Error).message }, log: '' };
    }
    const cold = worker.cold;
    worker.cold = false;
    worker.printed = [];

    const outcome = await new Promise<{ ok: boolean; result?: unknown; error?: LambdaError; durationMs: number; maxMemoryMb?: number; status?: string }>(
      (resolve) => {
        const onMessage = (message: { type: string; requestId: string } & Record<string, unknown>) => {
          if (message.type !== 'result' || message.requestId !== requestId) return;
          cleanup();
          resolve(message as never);
        };
        const onExit = (code: number | null) => {
          cleanup();
          resolve({
            ok: false,
            durationMs: performance.now() - started,
            status: 'error',
            error: { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: exit status ${code}` },
          });
        };
        const timer = setTimeout(() => {
          cleanup();
          void this.kill(worker);
          resolve({
            ok: false,
            durationMs: timeoutSeconds * 1000,
            status: 'timeout',
            error: { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds` },
          });
        }, deadline - Date.now());
        const cleanup = () => {
          clearTimeout(timer);
          worker.process.off('message', onMessage);
          worker.process.off('exit', onExit);
        };
        worker.process.on('message', onMessage);
        worker.process.once('exit', onExit);
        worker.process.send({ type: 'invoke', requestId, event, deadline, functionName: name, functionArn: arn, memoryMb });
      },
    );

    const report = reportLine({
      requestId,
      durationMs: outcome.durationMs,
      memoryMb,
      maxMemoryMb: outcome.maxMemoryMb,
      initMs: cold ? initMs : undefined,
      status: outcome.status,
    });
    this.output(`[${name}] ${report}`);
    // What the function printed last may still be in the pipe when its result has arrived.
    await new Promise((resolve) => setImmediate(resolve));
    const log = [`START RequestId: ${requestId} Version: $LATEST`, ...worker.printed, `END RequestId: ${requestId}`, report, ''].join('\n');
    if (outcome.ok) return { ok: true, requestId, result: outcome.result, log };
    return { ok: false, requestId, error: outcome.error ?? { errorType: 'Unknown', errorMessage: 'unknown error' }, log };
  }

  private async kill(worker: Worker): Promise<void> {
    // Out of the pool at once, so no invocation is handed to a worker that is going away.
    this.forget(worker);
    if (worker.process.exitCode !== null || worker.process.signalCode !== null) return;
    const exited = new Promise((resolve) => worker.process.once('exit', resolve));
    worker.process.kill('SIGKILL');
    await exited;
  }
}

/** The line Lambda writes after each invocation. */
export function reportLine(report: {
  requestId: string;
  durationMs: number;
  memoryMb: number;
  maxMemoryMb?: number;
  initMs?: number;
  status?: string;
}): string {
  const parts = [
    `REPORT RequestId: ${report.requestId}`,
    `Duration: ${report.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${Math.ceil(report.durationMs + (report.initMs ?? 0))} ms`,
    `Memory Size: ${report.memoryMb} MB`,
    `Max Memory Used: ${report.maxMemoryMb ?? '-'} MB`,
  ];
  if (report.initMs !== undefined) parts.push(`Init Duration: ${report.initMs.toFixed(2)} ms`);
  if (report.status) parts.push(`Status: ${report.status}`);
  return parts.join('\t');
}
