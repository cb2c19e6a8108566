import { createHandler } from '@zero-idle/core';
import * as z from 'zod/mini';
import { store } from '../dependencies';

const failedExecution = z.object({
  username: z.string(),
  tokenVersion: z.number(),
  failure: z.object({ Error: z.string(), Cause: z._default(z.string(), '') }),
});

/** The state machine's Catch: the failure goes on the user item, where a person looking at the user sees it. */
export const handler = createHandler({ event: failedExecution }, async ({ username, tokenVersion, failure }, { log }) => {
  const record = { error: failure.Error, cause: failure.Cause.slice(0, 2_000), at: new Date().toISOString(), tokenVersion };
  log({ username, tokenVersion, error: failure.Error });
  await store.recordFailure(username, record);
  return record;
});
