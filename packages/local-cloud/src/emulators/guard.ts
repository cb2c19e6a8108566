import { type ChildProcess, spawn } from 'node:child_process';

export interface GuardedProcess {
  output(): string;
  /** Calls back with each chunk the emulator writes from now on. */
  onOutput(listener: (chunk: string) => void): void;
  exited: Promise<void>;
  hasExited(): boolean;
  stop(): Promise<void>;
}

/**
 * Starts an emulator under a tiny shell guard that kills it when our stdin pipe closes, so even a
 * SIGKILLed local cloud leaves no emulator process behind.
 */
export function spawnGuarded(command: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): GuardedProcess {
  const quoted = command.map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(' ');
  const guard: ChildProcess = spawn('sh', ['-c', `${quoted} </dev/null & pid=$!; trap 'kill $pid' TERM INT; read _ignored; kill $pid; wait $pid`], {
    stdio: ['pipe', 'pipe', 'pipe'],
    cwd: options.cwd,
    env: options.env ?? process.env,
  });
  let output = '';
  const listeners: Array<(chunk: string) => void> = [];
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener(chunk.toString());
  };
  guard.stdout?.on('data', collect);
  guard.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => guard.once('exit', () => resolve()));
  return {
    output: () => output,
    onOutput: (listener) => listeners.push(listener),
    exited,
    hasExited: () => guard.exitCode !== null,
    async stop() {
      guard.stdin?.end();
      await exited;
    },
  };
}
