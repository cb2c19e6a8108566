import { type ComposedEmail, sendEmail } from '@zero-idle/core';
import { required, sesClient, store } from './dependencies';
import type { User } from './domain/model';

const ses = sesClient();
const sender = required('SENDER_EMAIL');

/**
 * The one email to an applicant about their application (booked, or not chosen): claimed on the
 * application item before sending (or by the caller, in the write that declined it), marked SENT
 * after, given back when SES refuses it. A duplicate delivery sends nothing. A claim another
 * invocation holds is an error, so the message or stream record comes back later instead of being
 * acknowledged without its email. 'sent' leaves the claim to be marked SENT by the caller
 * (markEmailsSent), so a queue batch marks all of its emails in one call. The lease is the caller's:
 * longer than it can run, so a claim outlives the invocation that holds it, and no longer than its
 * retries last, so an invocation that died holding it does not leave the email unsent.
 */
export async function sendApplicantEmail(
  application: { jobId: string; nanny: string },
  recipient: User | undefined,
  compose: (user: User) => ComposedEmail,
  claim: { leaseMs: number; claimedAlready?: boolean },
): Promise<'sent' | 'already sent' | 'no user' | 'deactivated'> {
  const { jobId, nanny } = application;
  if (!claim.claimedAlready) {
    const claimed = await store.applications.claimEmail(jobId, nanny, Date.now(), claim.leaseMs);
    if (claimed === 'sent') return 'already sent';
    if (claimed === 'sending') throw new Error(`The email to ${nanny} about job ${jobId} is being sent by another invocation`);
  }
  if (!recipient) {
    await store.applications.releaseEmail(jobId, nanny);
    return 'no user';
  }
  // A deactivated account is told nothing, about bookings or anything else.
  if (recipient.status === 'DEACTIVATED') {
    await store.applications.releaseEmail(jobId, nanny);
    return 'deactivated';
  }
  const result = await sendEmail(ses, { from: sender, to: [recipient.email], ...compose(recipient) });
  if (!result.ok) {
    await store.applications.releaseEmail(jobId, nanny);
    throw new Error(`The email to ${nanny} about job ${jobId} failed: ${result.error.message}`);
  }
  return 'sent';
}

/** sendApplicantEmail for one application, marked SENT at once. */
export async function emailApplicantOnce(...args: Parameters<typeof sendApplicantEmail>): ReturnType<typeof sendApplicantEmail> {
  const outcome = await sendApplicantEmail(...args);
  if (outcome === 'sent') await store.applications.markEmailsSent([args[0]], Date.now());
  return outcome;
}
