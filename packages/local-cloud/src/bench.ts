// Helpers for benchmarks that need a local cloud of their own (ports apart from dev and tests).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { portsFrom } from './ports';
import { childProcesses, processTree } from './processes';
import { readState } from './state';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export interface BenchCloud {
  urls: Record<string, string>;
  /** The local cloud's main process (the CLI), whose memory a soak bench watches. */
  pid: number;
  startedInMs: number;
  /** Everything the local cloud printed so far (log lines, REPORT lines). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts the local cloud's CLI on a port base and waits for its "ready" line; `checkout` may be another clone (a baseline). */
export async function startBenchCloud(portBase: number, checkout = root): Promise<BenchCloud> {
  const child: ChildProcess = spawn(
    process.execPath,
    // As npm run dev starts it: node with tsx's loader, no wrapper process.
    ['--import', 'tsx', 'packages/local-cloud/src/cli.ts', 'start', '--port-base', String(portBase)],
    {
      cwd: checkout,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  const startedInMs = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /local cloud ready in (\d+) ms/.exec(output);
      if (ready) resolve(Number(ready[1]));
    });
    child.once('exit', (code) => reject(new Error(`local cloud exited with ${code}:\n${output}`)));
  });
  const { urls } = readState(checkout, portsFrom(portBase).endpoint);
  return {
    urls,
    pid: child.pid ?? 0,
    startedInMs,
    output: () => output,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    },
  };
}

/**
 * The local cloud's own process: the deepest process of the tree whose command line names the CLI
 * (a baseline may run it under the tsx CLI, which runs it in a child). Linux only (/proc).
 */
export function cloudProcess(pid: number): number {
  const namesCli = (candidate: number) => readFileSync(`/proc/${candidate}/cmdline`, 'utf8').includes('local-cloud/src/cli.ts');
  let current = pid;
  for (;;) {
    const next = childProcesses(current).find(namesCli);
    if (!next) return current;
    current = next;
  }
}

/** Every process of the tree under pid (itself first), with a short command line; Linux only (/proc). */
export function cloudTree(pid: number): Array<{ pid: number; command: string }> {
  return processTree(pid).map((current) => {
    const argv = readFileSync(`/proc/${current}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const command = argv.map((arg) => (arg.length > 60 ? `...${arg.slice(-40)}` : arg)).join(' ');
    return { pid: current, command: command.length > 140 ? `${command.slice(0, 140)}...` : command };
  });
}

/** A process's resident memory now and at its peak (VmRSS and VmHWM of /proc), in MiB; Linux only. */
export function residentMemory(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Math.round(Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024);
  return { rssMiB: field('VmRSS'), peakMiB: field('VmHWM') };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * Builds a TypeScript entry the way serverless.shared.yml builds the functions (one minified ESM
 * file, AWS SDK included unless `external` says otherwise), so a bench runs what would deploy.
 */
export async function bundleLikeLambda(entry: string, outfile: string, external: string[] = []): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    external,
    banner: { js: "import { createRequire as __zeroIdleRequire } from 'node:module'; const require = __zeroIdleRequire(import.meta.url);" },
    logLevel: 'error',
  });
  return outfile;
}
