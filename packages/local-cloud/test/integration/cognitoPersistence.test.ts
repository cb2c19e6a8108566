// cognito-local rewrites a pool's whole file on every change. Killed (-9) in the middle of 200
// concurrent user creations, every pool file must still be whole JSON, and after a --persist restart
// every user whose creation was answered must be there, as Cognito would have kept it.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { AdminCreateUserCommand, CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from '@jest/globals';
import { startLocalCloud } from '../../src/index';
import { fixtureRoot } from '../support/fixtureCloud';

/** The cognito-local process working in this folder. */
function cognitoLocalIn(dir: string): number {
  for (const name of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      // The node process itself, not the guarding shell that started it (its command line names it too).
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (readlinkSync(`/proc/${name}/cwd`) === dir && argv[0] === process.execPath && argv.some((arg) => arg.includes('cognito-local'))) return Number(name);
    } catch {
      // A process that ended while we looked.
    }
  }
  throw new Error(`no cognito-local works in ${dir}`);
}

async function listAll(client: CognitoIdentityProviderClient, UserPoolId: string): Promise<Set<string>> {
  const names = new Set<string>();
  let PaginationToken: string | undefined;
  do {
    const page = await client.send(new ListUsersCommand({ UserPoolId, PaginationToken, Limit: 60 }));
    for (const user of page.Users ?? []) names.add(user.Username ?? '');
    PaginationToken = page.PaginationToken;
  } while (PaginationToken);
  return names;
}

describe('Cognito under --persist', () => {
  it('keeps every pool file whole through a kill -9 during 200 concurrent creations, and every answered user', async () => {
    const root = fixtureRoot({ Pool: { Type: 'AWS::Cognito::UserPool', Properties: { UserPoolName: 'fixture-dev-people' } } });
    const client = (endpoint: string) =>
      new CognitoIdentityProviderClient({
        endpoint,
        region: 'us-east-1',
        maxAttempts: 1,
        credentials: { accessKeyId: 'cognitopersist', secretAccessKey: 'x' },
      });
    const first = await startLocalCloud({ root, portBase: 23566, persist: true, log: () => undefined });
    const UserPoolId: string = first.context.resolvers.get('fixture')?.ref('Pool') ?? '';
    const cognito = client(first.context.endpoint.url);
    const dbDir = join(root, '.local-cloud', 'cognito', '.cognito', 'db');
    const answered: string[] = [];
    const create = (index: number) =>
      cognito
        .send(new AdminCreateUserCommand({ UserPoolId, Username: `user${index}`, MessageAction: 'SUPPRESS' }))
        .then(() => answered.push(`user${index}`))
        .catch(() => undefined); // Refused once cognito-local is gone: never answered, so nothing is owed.
    // A pool of some size first, so each rewrite takes a while, then 200 at once, read as they are written.
    await Promise.all(Array.from({ length: 100 }, (_, index) => create(index)));
    const creations = Array.from({ length: 200 }, (_, index) => create(100 + index));
    const invalid: string[] = [];
    const snapshot = () => {
      for (const file of readdirSync(dbDir).filter((name) => name.endsWith('.json'))) {
        const text = readFileSync(join(dbDir, file), 'utf8');
        try {
          JSON.parse(text);
        } catch {
          invalid.push(`${file}: ${text.length} bytes`);
        }
      }
    };
    while (answered.length < 160) {
      snapshot();
      await new Promise((resolve) => setImmediate(resolve));
    }
    process.kill(cognitoLocalIn(join(root, '.local-cloud', 'cognito')), 'SIGKILL');
    await Promise.all(creations);
    cognito.destroy();
    snapshot();
    await first.stop().catch(() => undefined);
    expect(answered.length).toBeLessThan(300); // Killed with creations in flight.
    // Every snapshot taken while they were written, and the files the kill left, are whole.
    expect(invalid).toEqual([]);

    const second = await startLocalCloud({ root, portBase: 23666, persist: true, log: () => undefined });
    const again = client(second.context.endpoint.url);
    try {
      const kept = await listAll(again, UserPoolId);
      expect(answered.filter((name) => !kept.has(name))).toEqual([]);
    } finally {
      again.destroy();
      await second.stop();
    }
  }, 120_000);
});
