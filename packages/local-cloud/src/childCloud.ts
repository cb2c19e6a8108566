// The local cloud as its CLI runs it, in a process of its own, so that a test can kill it (-9) at any
// moment and start it again on the same folder, as a developer's Ctrl-C or a crash would.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LocalCloudState, portsFrom, stateFile } from './index';
import { processTree } from './processes';

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const REPOSITORY = fileURLToPath(new URL('../../..', import.meta.url));

export interface ChildCloud {
  state: LocalCloudState;
  /** Everything it printed so far. */
  output(): string;
  /** Points the tests' helpers (testCloud(), the service's steps) at this cloud, as the Jest setup does for the shared one. */
  useForTests(): void;
  /** SIGKILL: no handler runs, nothing is flushed or closed. */
  kill9(): Promise<void>;
  /** Ctrl-C. */
  stop(): Promise<void>;
}

export async function startChildCloud(options: { root: string; portBase: number; persistDir: string; services?: string[] }): Promise<ChildCloud> {
  const file = stateFile(options.root, portsFrom(options.portBase).endpoint);
  const args = ['--import', 'tsx', cli, 'start', '--root', options.root, '--port-base', String(options.portBase), '--persist-dir', options.persistDir];
  if (options.services) args.push('--services', options.services.join(','));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', NODE_OPTIONS: '' } });
  let printed = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
  });
  const ended = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 90_000;
  while (!printed.includes('local cloud ready')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the local cloud did not start:\n${printed}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!existsSync(file)) throw new Error(`the local cloud printed ready without ${file}`);
  const state = JSON.parse(readFileSync(file, 'utf8')) as LocalCloudState;
  return {
    state,
    output: () => printed,
    useForTests: () => {
      process.env.LOCAL_CLOUD_ENDPOINT = state.urls.endpoint;
      process.env.LOCAL_CLOUD_INBOX = state.urls.inbox;
      process.env.LOCAL_CLOUD_URLS = JSON.stringify(state.urls);
      for (const [name, url] of Object.entries(state.urls))
        if (name.endsWith('.httpApi')) process.env[`LOCAL_CLOUD_HTTP_${name.replace('.httpApi', '').replace(/-/g, '_').toUpperCase()}`] = url;
      process.env.AWS_ENDPOINT_URL = state.urls.endpoint;
    },
    kill9: async () => {
      const killed = killTree(child, 'SIGKILL');
      await ended;
      // Their ports are free once every one of them is gone.
      while (killed.some((pid) => existsSync(`/proc/${pid}/stat`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ')))
        await new Promise((resolve) => setTimeout(resolve, 50));
    },
    stop: async () => {
      child.kill('SIGINT');
      await ended;
    },
  };
}

/**
 * One service's cloud of its own, on a persist folder of its own (a temporary one): each start() is
 * a --persist start on that folder (a restart, after a kill -9), with the tests' helpers pointed at it.
 */
export function restartableCloud(options: { service: string; portBase: number }): { persistDir: string; start(): Promise<ChildCloud> } {
  const persistDir = mkdtempSync(join(tmpdir(), `${options.service}-persist-`));
  return {
    persistDir,
    start: async () => {
      const cloud = await startChildCloud({ root: REPOSITORY, portBase: options.portBase, persistDir, services: [options.service] });
      cloud.useForTests();
      return cloud;
    },
  };
}

/** The local cloud and the emulators it started (DynamoDB Local, cognito-local): a kill takes them all, as a crash of the machine would. */
function killTree(child: ChildProcess, signal: NodeJS.Signals): number[] {
  const all = processTree(child.pid ?? 0);
  for (const pid of all) {
    try {
      process.kill(pid, signal);
    } catch {
      // Gone already.
    }
  }
  return all;
}
