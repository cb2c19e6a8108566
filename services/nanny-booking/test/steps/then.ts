// Then: what the applications, the inboxes and the queues show, once the booking's follow-ups have run.
import { until, waitUntilQuiet } from '@zero-idle/local-cloud/testing';
import { applicationsOf, type Person } from '../support/people';

export { emailsTo, waitForEmails as emailsArrive } from '@zero-idle/local-cloud/testing';
export { denied as wasDenied } from '../support/people';
export { applicationsOf };
/** The applications of a job once `done` holds for them (the declines run after the booking answers). */
export const applicationsOnceSettled = (parent: Person, jobId: string, done: (items: Array<{ nanny: string; status: string }>) => boolean) =>
  until(() => applicationsOf(parent, jobId), done);
/** A booking's follow-ups (afterBooking, the declines) have run, with their retries. */
export const followUpsHaveRun = (timeoutMs?: number) =>
  waitUntilQuiet(['nanny-booking-dev-afterBooking', 'nanny-booking-dev-declineApplications'], Date.now(), timeoutMs);
