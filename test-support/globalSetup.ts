// Starts one local cloud for the integration and end-to-end tests, the way `npm run dev` starts it
// (the same CLI, in its own process), on ports beside a developer's own local cloud.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { portsFrom } from '../packages/local-cloud/src/ports';
import { stateFile } from '../packages/local-cloud/src/state';
import { TEST_PORT_BASE } from '../packages/local-cloud/src/testing';

const root = fileURLToPath(new URL('..', import.meta.url));

declare global {
  var __LOCAL_CLOUD__: ChildProcess | undefined;
}

export default async function globalSetup(): Promise<void> {
  const file = stateFile(root, portsFrom(TEST_PORT_BASE).endpoint);
  const child = spawn(
    process.execPath,
    [`${root}/node_modules/tsx/dist/cli.mjs`, 'packages/local-cloud/src/cli.ts', 'start', '--port-base', String(TEST_PORT_BASE)],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
  globalThis.__LOCAL_CLOUD__ = child;
  let output = '';
  const log = process.env.LOCAL_CLOUD_LOG;
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (log) process.stderr.write(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    process.stderr.write(chunk);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The local cloud did not start in 60 s:\n${output}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`The local cloud exited with ${code}:\n${output}`)));
    const poll = setInterval(() => {
      if (!output.includes('local cloud ready') || !existsSync(file)) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve();
    }, 50);
  });
  const state = JSON.parse(readFileSync(file, 'utf8')) as { region: string; urls: Record<string, string>; refused: Record<string, string[]> };
  // A service whose template fails the checks a deploy would fail is not started; its tests cannot pass.
  if (Object.keys(state.refused).length) {
    child.kill('SIGINT');
    throw new Error(`The local cloud did not start ${Object.keys(state.refused).join(', ')}:\n${Object.values(state.refused).flat().join('\n')}`);
  }
  // Test workers start after this and inherit these.
  process.env.LOCAL_CLOUD_ENDPOINT = state.urls.endpoint;
  process.env.LOCAL_CLOUD_INBOX = state.urls.inbox;
  process.env.LOCAL_CLOUD_URLS = JSON.stringify(state.urls);
  for (const [name, url] of Object.entries(state.urls)) {
    if (name.endsWith('.httpApi')) process.env[`LOCAL_CLOUD_HTTP_${name.replace('.httpApi', '').replace(/-/g, '_').toUpperCase()}`] = url;
  }
  process.env.AWS_ENDPOINT_URL = state.urls.endpoint;
  process.env.AWS_REGION = state.region;
  process.env.AWS_ACCESS_KEY_ID = 'jestintegration';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
}
