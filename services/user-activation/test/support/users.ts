import { randomBytes } from 'node:crypto';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@zero-idle/core';
import { type InboxEmail, waitUntilQuiet } from '@zero-idle/local-cloud/testing';
import { newToken } from '../../src/domain/user';
import { userStore } from '../../src/store';

export const TABLE = 'user-activation-dev-users';
export const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:user-activation-dev-activation';
export const db = createDocumentClient();
export const store = userStore(db, TABLE);
export const sfn = new SFNClient({});

export function uniqueUser(name = 'Test User') {
  const username = `u${randomBytes(6).toString('hex')}`;
  return { username, email: `${username}@example.com`, name };
}

/** Given a user written as the register function writes it (the stream then starts the activation). */
export async function givenARegisteredUser(name?: string) {
  const input = uniqueUser(name);
  const now = Date.now();
  return store.register(input, newToken(now, 48), now);
}

// The resend counter is an item of its own (RESEND#<username>), kept for any username asked for.
const COUNTER_ATTRIBUTES = new Set(['lastMailRequestedAt', 'resendCount']);

/** Changes attributes directly, as time passing (expiry, cooldown) would. */
export async function setAttributes(username: string, values: Record<string, unknown>): Promise<void> {
  const counter = Object.fromEntries(Object.entries(values).filter(([name]) => COUNTER_ATTRIBUTES.has(name)));
  const user = Object.fromEntries(Object.entries(values).filter(([name]) => !COUNTER_ATTRIBUTES.has(name)));
  if (Object.keys(counter).length) await setItem(`RESEND#${username}`, counter);
  if (Object.keys(user).length) await setItem(`USER#${username}`, user);
}

async function setItem(pk: string, values: Record<string, unknown>): Promise<void> {
  const names = Object.keys(values);
  await db.send(
    new UpdateCommand({
      TableName: TABLE,
      Key: { pk },
      UpdateExpression: `SET ${names.map((_, index) => `#n${index} = :v${index}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((name, index) => [`#n${index}`, name])),
      ExpressionAttributeValues: Object.fromEntries(names.map((name, index) => [`:v${index}`, values[name]])),
    }),
  );
}

export function linkIn(email: InboxEmail | undefined): URL {
  const link = /(https?:\/\/\S+)/.exec(email?.body.text ?? '')?.[1];
  if (!link) throw new Error(`No link in ${JSON.stringify(email)}`);
  return new URL(link);
}

export const executionArn = (username: string, version = 1) => `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${username}-v${version}`;

/** Waits for an execution to end and returns it with its history. */
export async function finishedExecution(arn: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const execution = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
      if (execution.status !== 'RUNNING') {
        const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }));
        return { execution, events };
      }
    } catch (error) {
      if ((error as Error).name !== 'ExecutionDoesNotExist') throw error;
    }
    if (Date.now() > deadline) throw new Error(`${arn} did not finish in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Everything the user's rows set off has run to the end: the stream consumer is quiet and every
 * execution of theirs has finished. What "no more emails" is asserted after.
 */
export async function activationsSettled(username: string): Promise<void> {
  await waitUntilQuiet(['user-activation-dev-startActivation']);
  for (const execution of await executionsOf(username)) await finishedExecution(execution.executionArn ?? '');
}

export async function executionsOf(username: string) {
  const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn: STATE_MACHINE_ARN }));
  return executions.filter((execution) => execution.name?.startsWith(`${username}-`));
}
