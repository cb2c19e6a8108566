import { type PageArgs, pageRequest } from './inputs';
import type { Application, Caller, Job, Page, User } from './model';
import type { BookingStore, Clock } from './ports';
import { canSeeApplications } from './rules';
import { requireJob } from './shared';

/** Once per nanny and job, while the job is OPEN (the store checks both in one transaction). */
export function applyToJob(store: BookingStore, clock: Clock, nanny: User, jobId: string): Promise<Application> {
  return store.applications.apply({ jobId, nanny: nanny.username, status: 'PENDING', appliedAt: clock.now().toISOString() });
}

export async function listJobApplications(store: BookingStore, caller: Caller, { jobId, ...page }: PageArgs & { jobId: string }): Promise<Page<Application>> {
  await requireJob(store, jobId, { allowed: (job) => canSeeApplications(caller, job), refusal: "Only the job's parent or an admin sees its applications" });
  return store.applications.ofJob(jobId, pageRequest(page));
}

export const listMyApplications = (store: BookingStore, nanny: User, page: PageArgs): Promise<Page<Application>> =>
  store.applications.ofNanny(nanny.username, pageRequest(page));

export interface Booking {
  job: Job;
  accepted: Application;
  /** How many other applications are declined (asynchronously). */
  declining: number;
}

/**
 * The parent books one applicant: the job closes, the application is accepted, and the nanny's account
 * must still be active, in one transaction. The declines and the booked nanny's email follow from the
 * job's OPEN -> CLOSED change on the table's stream (afterBooking): committed with the booking,
 * retried until done, never lost. Applications stop at the booking, so the count is exact.
 */
export async function bookNanny(store: BookingStore, parent: User, { jobId, nanny }: { jobId: string; nanny: string }): Promise<Booking> {
  const job = await requireJob(store, jobId, {
    allowed: (found) => found.parent === parent.username,
    refusal: 'Only the parent who posted the job books for it',
  });
  const booking = await store.jobs.book(job, nanny, parent.username);
  return { ...booking, declining: (await store.applications.count(job.id)) - 1 };
}
