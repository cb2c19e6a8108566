import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ClientError, createHandler, json } from '@zero-idle/core';
import * as z from 'zod/mini';
import { limits, required, sfnClient, store } from '../dependencies';
import { executionName, newToken } from '../domain/user';

const stateMachineArn = required('STATE_MACHINE_ARN');
const sfn = sfnClient();
const request = z.object({ pathParameters: z.object({ username: z.string().check(z.minLength(1), z.maxLength(64)) }) });

const ACCEPTED = 'If the account exists and is not active yet, a new activation email is on its way.';

/**
 * POST /users/{username}/activation-email: a new token (the old link stops working) and a new email,
 * at most once per cooldown and a few times in all. Unknown and active users get the same answer.
 */
export const handler = createHandler({ event: request, http: true }, async (event, { log }) => {
  const username = event.pathParameters.username.toLowerCase();
  const now = Date.now();
  const user = await store.renewToken(username, newToken(now, limits.ttlHours), now, {
    cooldownMs: limits.resendCooldownSeconds * 1000,
    maxResends: limits.maxResends,
  });
  if (!user) {
    const current = await store.get(username);
    const limited = current && current.status !== 'DONE';
    log({ username, resent: false, limited: Boolean(limited) });
    if (!limited) return json(202, { message: ACCEPTED });
    if ((current.resendCount ?? 0) >= limits.maxResends) {
      throw new ClientError(429, `No more activation emails for ${username}: the limit of ${limits.maxResends} resends is reached`, 'ResendLimit');
    }
    throw new ClientError(429, `Wait ${limits.resendCooldownSeconds} seconds between activation emails`, 'TooSoon');
  }
  const name = executionName(user.username, user.tokenVersion);
  await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify({ username: user.username, tokenVersion: user.tokenVersion }) }));
  log({ username, resent: true, tokenVersion: user.tokenVersion, execution: name });
  return json(202, { message: ACCEPTED });
});
