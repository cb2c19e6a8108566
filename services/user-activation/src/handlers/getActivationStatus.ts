import { createHandler } from '@zero-idle/core';
import * as z from 'zod/mini';
import { store } from '../dependencies';

export const activationInput = z.object({ username: z.string(), tokenVersion: z.number() });

/** GetActivationStatus: the user's status for this token version; a superseded version sends nothing. */
export const handler = createHandler({ event: activationInput }, async ({ username, tokenVersion }, { log }) => {
  const user = await store.get(username);
  const status = !user ? 'MISSING' : user.tokenVersion !== tokenVersion ? 'SUPERSEDED' : user.status;
  log({ username, tokenVersion, status });
  return { status };
});
