// Stops the tests' local cloud with Ctrl-C, as a developer would, and fails if anything outlives it.
import { createConnection } from 'node:net';
import { localCloudClient } from '../packages/local-cloud/src/client';
import { portsFrom } from '../packages/local-cloud/src/ports';
import { TEST_PORT_BASE } from '../packages/local-cloud/src/testing';

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export default async function globalTeardown(): Promise<void> {
  const child = globalThis.__LOCAL_CLOUD__;
  if (!child || child.exitCode !== null) return;
  // A call a function's role does not allow fails in AWS; here too, and it must fail the run even
  // when it happened in the background (a stream or queue consumer retrying).
  const denials = await localCloudClient(process.env.LOCAL_CLOUD_ENDPOINT ?? '').denials();
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([exited, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 15_000)))]);
  clearTimeout(timer);
  if (code === 'timeout') {
    child.kill('SIGKILL');
    throw new Error('The local cloud did not stop within 15 s of Ctrl-C');
  }
  const ports = portsFrom(TEST_PORT_BASE);
  for (const port of [ports.endpoint, ports.dynamodb, ports.ses, ports.fauxqs, ports.cognito, ports.httpApis, ports.appSync]) {
    if (await portOpen(port)) throw new Error(`Port ${port} is still open after the local cloud stopped: a process was left behind`);
  }
  if (denials.length) throw new Error(`Functions made calls their IAM roles do not allow:\n${JSON.stringify(denials, null, 2)}`);
}
