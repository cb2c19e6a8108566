import type { z } from 'zod/mini';
import type { rateInput } from './inputs';
import type { Review, User } from './model';
import type { BookingStore, Clock } from './ports';
import { ratingSubject } from './rules';
import { requireJob } from './shared';

/** After a job is done, its parent and its booked nanny rate each other, once each. */
export async function rate(store: BookingStore, clock: Clock, author: User, { jobId, rating, comment }: z.infer<typeof rateInput>): Promise<Review> {
  const job = await requireJob(store, jobId);
  return store.reviews.add({
    jobId,
    author: author.username,
    subject: ratingSubject(job, author),
    rating,
    comment: comment ?? null,
    createdAt: clock.now().toISOString(),
  });
}
