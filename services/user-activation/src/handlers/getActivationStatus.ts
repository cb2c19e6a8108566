import { createHandler } from '@zero-idle/core';
import * as z from 'zod/mini';
import { store } from '../dependencies';
import { statusOf } from '../domain/user';

export const activationInput = z.object({ username: z.string(), tokenVersion: z.number() });

/** GetActivationStatus: the user's status for this token version; a superseded version sends nothing. */
export const handler = createHandler({ event: activationInput }, async ({ username, tokenVersion }, { log }) => {
  const user = await store.get(username);
  const status = statusOf(user, tokenVersion);
  log({ username, tokenVersion, status });
  return { status };
});
