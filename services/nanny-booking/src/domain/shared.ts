import { Forbidden, NotFound } from './errors';
import type { Job } from './model';
import type { BookingStore } from './ports';

/** The job, or NotFound; Forbidden with `rule.refusal` when the rule says this caller may not act on it. */
export async function requireJob(store: BookingStore, jobId: string, rule?: { allowed: (job: Job) => boolean; refusal: string }): Promise<Job> {
  const job = await store.jobs.get(jobId);
  if (!job) throw new NotFound(`No job ${jobId}`);
  if (rule && !rule.allowed(job)) throw new Forbidden(rule.refusal);
  return job;
}
