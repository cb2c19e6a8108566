// Everyday AWS CLI v2 commands against the local cloud, as a developer types them: each succeeds, or
// fails at once with AWS's error (never a retry storm or a hang). The transcript is written to
// .local-cloud/aws-cli-everyday.txt. Without the AWS CLI v2 the suite is skipped with one line,
// except in CI (CI=true), where .ci/run installs Debian's awscli and its absence fails the run.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { testCloud } from '../../src/testing';

/** The first `aws` on PATH (or /usr/bin) that is version 2. */
function awsCliV2(): string | undefined {
  const candidates = [...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'aws')), '/usr/bin/aws', '/usr/local/bin/aws'];
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue;
    try {
      if (/^aws-cli\/2\./.test(execFileSync(candidate, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))) return candidate;
    } catch {
      // Not runnable: the next one.
    }
  }
  return undefined;
}

const aws = awsCliV2();
if (!aws && process.env.CI === 'true') throw new Error("CI needs the AWS CLI v2 (.ci/run installs Debian's awscli)");
if (!aws) console.log('AWS CLI v2 not found: the everyday CLI commands are skipped (apt-get install awscli to run them)');
const suite = aws ? describe : describe.skip;

const root = new URL('../../../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'aws-cli-everyday-'));
const transcript: string[] = [];
const run = Date.now();

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `aws <args>` against the local cloud and records it in the transcript. */
function cli(...args: string[]): Promise<Result> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      aws ?? 'aws',
      ['--endpoint-url', testCloud().endpoint, ...args],
      {
        cwd: work,
        timeout: 30_000,
        env: {
          PATH: process.env.PATH,
          HOME: work,
          AWS_ACCESS_KEY_ID: 'clieveryday',
          AWS_SECRET_ACCESS_KEY: 'local',
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_PAGER: '',
        },
      },
      (error, stdout, stderr) => {
        const result = { code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr, ms: Date.now() - started };
        const shown = (result.code === 0 ? stdout : stderr).trim().split('\n').slice(0, 3).join('\n    ');
        transcript.push(`$ aws ${args.join(' ')}\n  exit ${result.code} in ${result.ms} ms${shown ? `\n    ${shown}` : ''}`);
        resolve(result);
      },
    );
  });
}

const ok = async (...args: string[]) => {
  const result = await cli(...args);
  expect({ args, code: result.code, stderr: result.stderr.trim() }).toEqual({ args, code: 0, stderr: '' });
  return result.stdout;
};
const json = async <T>(...args: string[]) => JSON.parse(await ok(...args, '--output', 'json')) as T;

/** A command that must fail at once (no retries) with AWS's error code. */
const refused = async (code: string, ...args: string[]) => {
  const result = await cli(...args);
  expect(result.code).not.toBe(0);
  expect(result.stderr).toContain(`(${code})`);
  expect(result.ms).toBeLessThan(5_000);
};

suite('the AWS CLI v2 against the local cloud', () => {
  it('sts get-caller-identity, dynamodb describe-table', async () => {
    expect(await json<{ Account: string }>('sts', 'get-caller-identity')).toMatchObject({ Account: '000000000000' });
    const { Table } = await json<{ Table: { TableArn: string } }>('dynamodb', 'describe-table', '--table-name', 'button-messenger-dev-buttons');
    expect(Table.TableArn).toBe('arn:aws:dynamodb:us-east-1:000000000000:table/button-messenger-dev-buttons');
    await refused('UnknownOperationException', 'dynamodb', 'create-backup', '--table-name', 'button-messenger-dev-buttons', '--backup-name', 'nightly');
  });

  it('s3 mb, cp both ways, sync, ls, rb', async () => {
    const bucket = `s3://cli-everyday-${run}`;
    const file = join(work, 'manuscript.txt');
    writeFileSync(file, 'It was a dark and stormy night.\n'.repeat(2_000));
    await ok('s3', 'mb', bucket);
    await ok('s3', 'cp', '--no-progress', file, `${bucket}/drafts/manuscript.txt`);
    await ok('s3', 'cp', '--no-progress', `${bucket}/drafts/manuscript.txt`, join(work, 'downloaded.txt'));
    expect(readFileSync(join(work, 'downloaded.txt'))).toEqual(readFileSync(file));
    mkdirSync(join(work, 'chapters'));
    for (const chapter of ['one', 'two', 'three']) writeFileSync(join(work, 'chapters', `${chapter}.txt`), `Chapter ${chapter}\n`);
    await ok('s3', 'sync', '--no-progress', join(work, 'chapters'), `${bucket}/chapters`);
    expect(await ok('s3', 'ls', `${bucket}/chapters/`)).toMatch(/one\.txt[\s\S]*three\.txt[\s\S]*two\.txt/);
    await ok('s3', 'sync', '--no-progress', `${bucket}/chapters`, join(work, 'back'));
    expect(readFileSync(join(work, 'back', 'two.txt'), 'utf8')).toBe('Chapter two\n');
    await ok('s3', 'rb', bucket, '--force');
  });

  it('lambda list-functions, invoke; a payload that is not JSON fails at once', async () => {
    const { Functions } = await json<{ Functions: Array<{ FunctionName: string }> }>('lambda', 'list-functions');
    expect(Functions.map((fn) => fn.FunctionName)).toContain('user-activation-dev-getActivationStatus');
    // One function, its payload given as the raw JSON text (not base64).
    const invoke = (payload: string) => [
      'lambda',
      'invoke',
      '--function-name',
      'user-activation-dev-getActivationStatus',
      '--cli-binary-format',
      'raw-in-base64-out',
      '--payload',
      payload,
    ];
    const invoked = await json<{ StatusCode: number; LogResult: string }>(
      ...invoke('{"username":"nobody-cli","tokenVersion":1}'),
      '--log-type',
      'Tail',
      join(work, 'out.json'),
    );
    expect(invoked.StatusCode).toBe(200);
    expect(Buffer.from(invoked.LogResult, 'base64').toString()).toContain('REPORT RequestId');
    await refused('InvalidRequestContentException', ...invoke('not json'), join(work, 'bad.json'));
  });

  it('stepfunctions list-state-machines, start-execution, describe-execution', async () => {
    const { stateMachines } = await json<{ stateMachines: Array<{ name: string; stateMachineArn: string }> }>('stepfunctions', 'list-state-machines');
    const machine = stateMachines.find((candidate) => candidate.name === 'user-activation-dev-activation');
    const { executionArn } = await json<{ executionArn: string }>(
      'stepfunctions',
      'start-execution',
      '--state-machine-arn',
      machine?.stateMachineArn ?? '',
      '--name',
      `cli-${run}`,
      '--input',
      '{"username":"nobody-cli","tokenVersion":1}',
    );
    let status = 'RUNNING';
    for (let attempt = 0; attempt < 50 && status === 'RUNNING'; attempt += 1) {
      ({ status } = await json<{ status: string }>('stepfunctions', 'describe-execution', '--execution-arn', executionArn));
    }
    expect(status).toBe('SUCCEEDED');
  });

  it('cognito-idp sign-up, admin-confirm-sign-up, initiate-auth', async () => {
    const { UserPools } = await json<{ UserPools: Array<{ Id: string; Name: string }> }>('cognito-idp', 'list-user-pools', '--max-results', '10');
    const pool = UserPools.find((candidate) => candidate.Name === 'nanny-booking-dev')?.Id ?? '';
    const { UserPoolClients } = await json<{ UserPoolClients: Array<{ ClientId: string }> }>('cognito-idp', 'list-user-pool-clients', '--user-pool-id', pool);
    const client = UserPoolClients[0]?.ClientId ?? '';
    const username = `cli${run}`;
    await ok(
      'cognito-idp',
      'sign-up',
      '--client-id',
      client,
      '--username',
      username,
      '--password',
      'cli-passw0rd-1',
      '--user-attributes',
      `Name=email,Value=${username}@example.com`,
    );
    await ok('cognito-idp', 'admin-confirm-sign-up', '--user-pool-id', pool, '--username', username);
    const { AuthenticationResult } = await json<{ AuthenticationResult: { TokenType: string; ExpiresIn: number } }>(
      'cognito-idp',
      'initiate-auth',
      '--client-id',
      client,
      '--auth-flow',
      'USER_PASSWORD_AUTH',
      '--auth-parameters',
      `USERNAME=${username},PASSWORD=cli-passw0rd-1`,
    );
    expect(AuthenticationResult).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600 });
    await refused(
      'NotAuthorizedException',
      'cognito-idp',
      'initiate-auth',
      '--client-id',
      client,
      '--auth-flow',
      'USER_PASSWORD_AUTH',
      '--auth-parameters',
      `USERNAME=${username},PASSWORD=wrong-passw0rd`,
    );
    await ok('cognito-idp', 'admin-delete-user', '--user-pool-id', pool, '--username', username);
  });

  it('sqs list-queues, send-message, receive-message (the query protocol of CLI 2.9); a missing queue fails at once', async () => {
    const queue = `cli-everyday-${run}`;
    const { QueueUrl } = await json<{ QueueUrl: string }>('sqs', 'create-queue', '--queue-name', queue);
    expect(QueueUrl).toBe(`${testCloud().endpoint}/000000000000/${queue}`);
    expect((await json<{ QueueUrls: string[] }>('sqs', 'list-queues', '--queue-name-prefix', queue)).QueueUrls).toEqual([QueueUrl]);
    await ok(
      'sqs',
      'send-message',
      '--queue-url',
      QueueUrl,
      '--message-body',
      'hello from the CLI',
      '--message-attributes',
      'kind={DataType=String,StringValue=cli}',
    );
    const { Messages } = await json<{ Messages: Array<{ Body: string; MessageAttributes: Record<string, { StringValue: string }> }> }>(
      'sqs',
      'receive-message',
      '--queue-url',
      QueueUrl,
      '--wait-time-seconds',
      '2',
      '--message-attribute-names',
      'All',
    );
    expect(Messages[0]).toMatchObject({ Body: 'hello from the CLI', MessageAttributes: { kind: { StringValue: 'cli' } } });
    await ok('sqs', 'delete-queue', '--queue-url', QueueUrl);
    await refused('AWS.SimpleQueueService.NonExistentQueue', 'sqs', 'get-queue-url', '--queue-name', `${queue}-missing`);
  });

  it('sns list-subscriptions, sesv2 send-email, ses list-identities', async () => {
    const { Subscriptions } = await json<{ Subscriptions: Array<{ Endpoint: string; SubscriptionArn: string }> }>('sns', 'list-subscriptions');
    expect(Subscriptions.find((subscription) => subscription.Endpoint === 'gas-alerts@example.com')).toBeDefined();
    const sent = await json<{ MessageId: string }>(
      'sesv2',
      'send-email',
      '--from-email-address',
      'cli@example.com',
      '--destination',
      `ToAddresses=cli-reader-${run}@example.com`,
      '--content',
      'Simple={Subject={Data=From the CLI},Body={Text={Data=Hello}}}',
    );
    expect(sent.MessageId).toBeTruthy();
    await ok('ses', 'verify-email-identity', '--email-address', `cli-${run}@example.com`);
    expect((await json<{ Identities: string[] }>('ses', 'list-identities')).Identities).toContain(`cli-${run}@example.com`);
    expect(await json<{ Max24HourSend: number }>('ses', 'get-send-quota')).toMatchObject({ Max24HourSend: 200 });
  });

  it('writes the transcript', () => {
    mkdirSync(join(root, '.local-cloud'), { recursive: true });
    writeFileSync(
      join(root, '.local-cloud', 'aws-cli-everyday.txt'),
      `${execFileSync(aws ?? 'aws', ['--version'], { encoding: 'utf8' })}\n${transcript.join('\n')}\n`,
    );
    expect(transcript.length).toBeGreaterThan(30);
  });
});
