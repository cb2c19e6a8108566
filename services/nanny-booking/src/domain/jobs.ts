import type { z } from 'zod/mini';
import { Validation } from './errors';
import { cellsAround, distanceKm } from './geo';
import { type createJobInput, type nearArgs, type PageArgs, pageRequest } from './inputs';
import type { Job, Page, User } from './model';
import type { BookingStore, Clock } from './ports';
import { requireJob } from './shared';

export function createJob(store: BookingStore, clock: Clock, parent: User, input: z.infer<typeof createJobInput>): Promise<Job> {
  return store.jobs.create({ ...input, id: clock.newId(), parent: parent.username, status: 'OPEN', createdAt: clock.now().toISOString() });
}

export const listMyJobs = (store: BookingStore, parent: User, page: PageArgs): Promise<Page<Job>> => store.jobs.ofParent(parent.username, pageRequest(page));

export const listOpenJobs = (store: BookingStore, page: PageArgs): Promise<Page<Job>> => store.jobs.byStatus('OPEN', pageRequest(page));

/**
 * Open jobs within radiusKm, soonest first: the nine geohash cells around the point cover the
 * radius; the page token is an offset into that ordered list.
 */
export async function jobsNear(store: BookingStore, { lat, lon, radiusKm, limit, nextToken }: z.infer<typeof nearArgs>): Promise<Page<Job>> {
  const offset = nextToken ? Number(Buffer.from(nextToken, 'base64url').toString()) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw new Validation('nextToken is not one this API gave out');
  const found: Job[] = [];
  for (const cell of cellsAround(lat, lon)) found.push(...(await store.jobs.inCell(cell, 100)).items);
  const near = found
    .filter((job) => job.status === 'OPEN' && job.location && distanceKm({ lat, lon }, job.location) <= radiusKm)
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  const end = offset + pageRequest({ limit }).limit;
  return { items: near.slice(offset, end), nextToken: end < near.length ? Buffer.from(String(end)).toString('base64url') : undefined };
}

/** CLOSED -> DONE, by the parent who posted the job. */
export async function markJobDone(store: BookingStore, parent: User, jobId: string): Promise<Job> {
  await requireJob(store, jobId, { allowed: (job) => job.parent === parent.username, refusal: 'Only the parent who posted the job marks it done' });
  return store.jobs.markDone(jobId, parent.username);
}
