import { createHandler, logLine } from '@zero-idle/core';
import * as z from 'zod/mini';
import { clock, priceSource, store } from '../dependencies';
import { storeNewWeeks } from '../domain/fetchWeeks';

const source = priceSource();

/**
 * The weekly schedule: store the weeks not stored yet (see storeNewWeeks). A failure fails the
 * invocation, which EventBridge retries; a row refused on its own gets a WARN line of its own.
 */
export const handler = createHandler({ event: z.looseObject({}) }, async (_event, { context, log }) => {
  const summary = await storeNewWeeks({ source, store, clock });
  for (const row of summary.rejected) logLine({ level: 'WARN', function: context.functionName, requestId: context.awsRequestId, rejectedRow: row });
  log(summary);
  return summary;
});
