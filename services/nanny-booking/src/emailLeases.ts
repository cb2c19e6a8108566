/**
 * How long a claim on an applicant's email holds (see applicantEmail.ts): longer than the function
 * holding it can run, so a running sender keeps it; short enough to end within that function's
 * retries, so the email of an invocation that died holding it is sent by a retry. Checked against
 * the template in test/unit/emailLeases.test.ts.
 */

/** declineApplications (timeout 5 s): ended by a message's third receive (6 s apart, 5 in all). */
export const DECLINE_EMAIL_LEASE_MS = 10_000;

/** afterBooking (timeout 30 s), for the booked nanny's email. */
export const ACCEPTED_EMAIL_LEASE_MS = 60_000;
