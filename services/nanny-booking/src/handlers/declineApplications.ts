import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import { createHandler, parse, sendEmail } from '@zero-idle/core';
import * as z from 'zod/mini';
import { sender, sesClient, store } from '../dependencies';
import { declinedEmail } from '../domain/emails';

const ses = sesClient();
const decline = z.object({ jobId: z.string().check(z.minLength(1)), nanny: z.string().check(z.minLength(1)), title: z.string() });
const sqsEvent = z.object({ Records: z.array(z.object({ messageId: z.string(), body: z.string() })) });

async function declineOne(body: string): Promise<'declined' | 'unchanged'> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new Error(`Not a decline message (not JSON): ${body.slice(0, 200)}`);
  }
  const message = parse(decline, value);
  if (!message.ok) throw new Error(`Not a decline message: ${message.problems}`);
  const { jobId, nanny, title } = message.value;
  // The conditional write makes a redelivered message a no-op, and the email go out once.
  if (!(await store.decline(jobId, nanny))) return 'unchanged';
  const user = await store.getUser(nanny);
  if (user) {
    const result = await sendEmail(ses, { from: sender, to: [user.email], ...declinedEmail({ name: user.name, title }) });
    if (!result.ok) throw new Error(`Declined ${nanny} for ${jobId}, but the email failed: ${result.error.message}`);
  }
  return 'declined';
}

/**
 * The declines queue: each message marks one application DECLINED. A failed message is reported alone
 * (partial batch response), comes back after the visibility timeout, and goes to the DLQ after 5 receives.
 */
export const handler = createHandler({ event: sqsEvent }, async (event, { log }) => {
  const results = await Promise.allSettled(event.Records.map((record) => declineOne(record.body)));
  log({
    records: results.length,
    declined: results.filter((r) => r.status === 'fulfilled' && r.value === 'declined').length,
    failed: results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason?.message),
  });
  return results;
}).use(sqsPartialBatchFailure({ logger: undefined }));
