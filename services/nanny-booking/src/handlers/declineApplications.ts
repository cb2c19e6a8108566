import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import { createHandler, parse } from '@zero-idle/core';
import * as z from 'zod/mini';
import { sendApplicantEmail } from '../applicantEmail';
import { store } from '../dependencies';
import { declinedEmail } from '../domain/emails';
import type { User } from '../domain/model';
import { DECLINE_EMAIL_LEASE_MS } from '../emailLeases';

const decline = z.object({ jobId: z.string().check(z.minLength(1)), nanny: z.string().check(z.minLength(1)), title: z.string() });
const sqsEvent = z.object({ Records: z.array(z.object({ messageId: z.string(), body: z.string() })) });

type Decline = z.infer<typeof decline>;

/** A queue message as a decline, or the reason it is not one (that record fails; nothing else does). */
function readMessage(body: string): Decline | Error {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return new Error(`Not a decline message (not JSON): ${body.slice(0, 200)}`);
  }
  const message = parse(decline, value);
  return message.ok ? message.value : new Error(`Not a decline message: ${message.problems}`);
}

async function declineOne(
  { jobId, nanny, title }: Decline,
  recipient: User | undefined,
): Promise<Awaited<ReturnType<typeof sendApplicantEmail>> | 'unchanged'> {
  // Conditional writes: a redelivered message declines nothing twice, and the email goes out once;
  // a message whose decline stuck but whose email failed sends the email on its next receive.
  const { status, claimed } = await store.applications.declineClaimingEmail(jobId, nanny, Date.now());
  if (status !== 'DECLINED') return 'unchanged';
  return sendApplicantEmail({ jobId, nanny }, recipient, (user) => declinedEmail({ name: user.name, title }), {
    leaseMs: DECLINE_EMAIL_LEASE_MS,
    claimedAlready: claimed,
  });
}

/** Marks the batch's sent emails SENT in one call; if that fails, each alone, and a message whose mark fails is retried. */
async function markSent(messages: Array<Decline | Error>, results: PromiseSettledResult<string>[]): Promise<void> {
  const sent = results.flatMap((result, index) => {
    const message = messages[index];
    return result.status === 'fulfilled' && result.value === 'sent' && message && !(message instanceof Error) ? [{ index, message }] : [];
  });
  if (!sent.length) return;
  try {
    await store.applications.markEmailsSent(
      sent.map(({ message }) => message),
      Date.now(),
    );
  } catch {
    for (const { index, message } of sent) {
      await store.applications.markEmailsSent([message], Date.now()).catch((error: Error) => {
        results[index] = { status: 'rejected', reason: new Error(`Sent the email to ${message.nanny}, but could not mark it: ${error.message}`) };
      });
    }
  }
}

/**
 * The declines queue: each message marks one application DECLINED. A failed message is reported alone
 * (partial batch response), comes back after the visibility timeout, and goes to the DLQ after 5 receives.
 */
export const handler = createHandler({ event: sqsEvent }, async (event, { log }) => {
  const messages = event.Records.map((record) => readMessage(record.body));
  // The batch's nannies in one BatchGetItem rather than a GetItem per message.
  const recipients = await store.users.getMany(messages.flatMap((message) => (message instanceof Error ? [] : [message.nanny])));
  const results: PromiseSettledResult<string>[] = await Promise.allSettled(
    messages.map((message) => (message instanceof Error ? Promise.reject(message) : declineOne(message, recipients.get(message.nanny)))),
  );
  await markSent(messages, results);
  log({
    records: results.length,
    declined: results.filter((r) => r.status === 'fulfilled' && r.value === 'sent').length,
    failed: results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason?.message),
  });
  return results;
}).use(sqsPartialBatchFailure({ logger: undefined }));
