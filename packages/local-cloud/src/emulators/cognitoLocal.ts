import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cognitoCall } from '../client';
import { type GuardedProcess, spawnGuarded } from './guard';
import { waitUntil } from './wait';

/**
 * Starts cognito-local in its own guarded process, state under `dir`, with tokens that carry the
 * issuer AWS uses (https://cognito-idp.<region>.amazonaws.com/<pool id>) and plain usernames, as
 * CloudFormation's pools have by default. Without `keep`, users last as long as the local cloud.
 */
export async function startCognitoLocal(options: {
  port: number;
  dir: string;
  region: string;
  keep: boolean;
  /** Each confirmation code cognito-local would send (it prints them): to whom, and the code. */
  onCode?: (destination: string, code: string) => void;
}): Promise<{ url: string; stop(): Promise<void> }> {
  if (!options.keep) rmSync(options.dir, { recursive: true, force: true });
  mkdirSync(join(options.dir, '.cognito', 'db'), { recursive: true });
  const url = `http://127.0.0.1:${options.port}`;
  writeFileSync(
    join(options.dir, '.cognito', 'config.json'),
    JSON.stringify({
      TokenConfig: { IssuerDomain: `https://cognito-idp.${options.region}.amazonaws.com` },
      ServerConfig: { hostname: '127.0.0.1', port: options.port },
      UserPoolDefaults: { UsernameAttributes: [] },
    }),
  );
  const start = join(dirname(createRequire(import.meta.url).resolve('cognito-local/package.json')), 'lib', 'bin', 'start.js');
  // Its pool files are written whole on every change: atomically and one at a time (see atomicWrites.cjs).
  const atomicWrites = fileURLToPath(new URL('./atomicWrites.cjs', import.meta.url));
  // A temporary file a kill left behind is no pool.
  for (const name of readdirSync(join(options.dir, '.cognito', 'db'), { withFileTypes: true }).filter((e) => e.name.endsWith('.tmp')))
    rmSync(join(options.dir, '.cognito', 'db', name.name), { force: true });
  const guard = spawnGuarded([process.execPath, '--require', atomicWrites, start], { cwd: options.dir });
  const { onCode } = options;
  if (onCode) watchCodeDeliveries(guard, onCode);
  await waitUntil('cognito-local', async () => {
    if (guard.hasExited()) throw new Error(`exited: ${guard.output()}`);
    await cognitoCall(url, 'ListUserPools', { MaxResults: 60 });
  });
  return { url, stop: () => guard.stop() };
}

/** cognito-local prints each code it would send in a box: Username, Destination, Code, one a line. */
function watchCodeDeliveries(guard: GuardedProcess, onCode: (destination: string, code: string) => void): void {
  const delivery = /Destination:\s+(\S+)[^\n]*\n[^\n]*Code:\s+(\S+)/g;
  let pending = '';
  guard.onOutput((chunk) => {
    pending = (pending + chunk).slice(-16_384);
    let end = 0;
    for (const match of pending.matchAll(delivery)) {
      onCode(match[1] ?? '', match[2] ?? '');
      end = (match.index ?? 0) + match[0].length;
    }
    pending = pending.slice(end);
  });
}
