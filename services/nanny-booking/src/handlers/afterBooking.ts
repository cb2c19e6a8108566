import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createHandler, parse, processRecords } from '@zero-idle/core';
import * as z from 'zod/mini';
import { emailApplicantOnce } from '../applicantEmail';
import { queueDeclines } from '../declines';
import { required, sqsClient, store } from '../dependencies';
import { acceptedEmail } from '../domain/emails';
import { ACCEPTED_EMAIL_LEASE_MS } from '../emailLeases';

const queueUrl = required('DECLINES_QUEUE_URL');
const sqs = sqsClient();

const streamEvent = z.object({
  Records: z.array(z.looseObject({ dynamodb: z.looseObject({ SequenceNumber: z.string(), NewImage: z.optional(z.record(z.string(), z.unknown())) }) })),
});
const bookedJob = z.object({ id: z.string(), title: z.string(), startsAt: z.string(), bookedNanny: z.string() });

/** The booked nanny's email, once, under a lease as long as the accepted email's. */
function emailBooked(user: Parameters<typeof emailApplicantOnce>[1], job: z.infer<typeof bookedJob>) {
  const email = (to: { name: string }) => acceptedEmail({ name: to.name, title: job.title, startsAt: job.startsAt });
  return emailApplicantOnce({ jobId: job.id, nanny: job.bookedNanny }, user, email, { leaseMs: ACCEPTED_EMAIL_LEASE_MS });
}

/** What follows one booking: the others' applications to the declines queue, and the booked nanny's email. */
async function afterBooking(image: unknown): Promise<{ job: string; declining: number; bookedEmail: string }> {
  const job = parse(bookedJob, unmarshall((image ?? {}) as Parameters<typeof unmarshall>[0]));
  if (!job.ok) throw new Error(`Not a booked job: ${job.problems}`);
  const { id, title, bookedNanny } = job.value;
  // Both are attempted; either failing fails the record, and the retry repeats only what is not done.
  const [declining, bookedEmail] = await Promise.allSettled([
    queueDeclines({ sqs, queueUrl, store }, { id, title }, bookedNanny),
    store.users.get(bookedNanny).then((user) => emailBooked(user, job.value)),
  ]);
  if (declining.status === 'rejected' || bookedEmail.status === 'rejected') {
    throw new Error([declining, bookedEmail].flatMap((result) => (result.status === 'rejected' ? [(result.reason as Error).message] : [])).join('; '));
  }
  return { job: id, declining: declining.value, bookedEmail: bookedEmail.value };
}

/**
 * Jobs that went OPEN -> CLOSED, from the table's stream (the event source mapping filters them):
 * the booking's follow-ups run here rather than in the bookNanny call, so they are retried with the
 * record until they succeed. A failed record is reported so Lambda retries from it.
 */
export const handler = createHandler({ event: streamEvent }, async (event, { context, log }) => {
  const { response, failures, results } = await processRecords('stream', event.Records, context, (record) => afterBooking(record.dynamodb?.NewImage));
  log({ done: results, failed: failures });
  return response;
});
