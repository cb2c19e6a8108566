import { Conflict, NotFound } from '../../src/domain/errors';
import type { Application, Job, Page, Review, User } from '../../src/domain/model';
import type { BookingStore, PageRequest } from '../../src/domain/ports';

/** Pages of an array: the token is the offset (the real store's is DynamoDB's last key). */
function pageOf<T>(all: T[], { limit, nextToken }: PageRequest): Page<T> {
  const start = nextToken ? Number(nextToken) : 0;
  const end = start + limit;
  return { items: all.slice(start, end), nextToken: end < all.length ? String(end) : undefined };
}

/**
 * The store port in memory, with the real store's refusals (the same Conflict and NotFound
 * messages): what the use cases' unit tests run on. The table's behaviour is tested against
 * DynamoDB Local in test/integration.
 */
export function memoryStore() {
  const users = new Map<string, User>();
  const emails = new Map<string, string>();
  const jobs = new Map<string, Job>();
  const applications = new Map<string, Application>();
  const reviews = new Map<string, Review>();
  const applicationKey = (jobId: string, nanny: string) => `${jobId}#${nanny}`;
  const applicationsOf = (jobId: string) => [...applications.values()].filter((application) => application.jobId === jobId);

  const store: BookingStore = {
    users: {
      get: async (username) => users.get(username),
      async create(user) {
        if (users.has(user.username)) throw new Conflict(`The username ${user.username} already has a profile`);
        if (emails.has(user.email)) throw new Conflict('An account with this email already exists');
        users.set(user.username, user);
        emails.set(user.email, user.username);
        return user;
      },
      list: async (page) => pageOf([...users.values()], page),
      async setStatus(username, status) {
        const user = users.get(username);
        if (!user) throw new NotFound(`No user ${username}`);
        user.status = status;
        return { ...user };
      },
      async update(current, change) {
        const updated = { ...current, name: change.name ?? current.name, email: change.email ?? current.email };
        if (updated.email !== current.email) {
          if (emails.has(updated.email)) throw new Conflict('An account with this email already exists');
          emails.delete(current.email);
          emails.set(updated.email, current.username);
        }
        users.set(current.username, updated);
        return updated;
      },
    },
    jobs: {
      async create(job) {
        jobs.set(job.id, { ...job });
        return job;
      },
      get: async (id) => (jobs.has(id) ? { ...(jobs.get(id) as Job) } : undefined),
      ofParent: async (parent, page) => pageOf([...jobs.values()].filter((job) => job.parent === parent).reverse(), page),
      byStatus: async (status, page) =>
        pageOf(
          [...jobs.values()].filter((job) => job.status === status),
          page,
        ),
      inCell: async (_cell, limit) => ({ items: [...jobs.values()].filter((job) => job.status === 'OPEN' && job.location).slice(0, limit) }),
      async book(job, nanny, parent) {
        const stored = jobs.get(job.id);
        const application = applications.get(applicationKey(job.id, nanny));
        if (stored?.status !== 'OPEN' || stored.parent !== parent) throw new Conflict(`Job ${job.id} is not open any more`);
        if (application?.status !== 'PENDING') throw new Conflict(`${nanny} has no pending application for job ${job.id}`);
        const account = users.get(nanny);
        if (!account || account.status === 'DEACTIVATED') throw new Conflict(`${nanny}'s account is deactivated: they cannot be booked`);
        Object.assign(stored, { status: 'CLOSED', bookedNanny: nanny });
        application.status = 'ACCEPTED';
        return { job: { ...stored }, accepted: { ...application } };
      },
      async markDone(jobId, parent) {
        const job = jobs.get(jobId);
        if (job?.status !== 'CLOSED' || job.parent !== parent) throw new Conflict(`Job ${jobId} is not booked (CLOSED), so it cannot be done`);
        job.status = 'DONE';
        return { ...job };
      },
      hasBooking: async (parent, nanny) => [...jobs.values()].some((job) => job.parent === parent && job.bookedNanny === nanny),
    },
    applications: {
      async apply(application) {
        if (jobs.get(application.jobId)?.status !== 'OPEN') throw new Conflict(`Job ${application.jobId} does not exist or takes no more applications`);
        const key = applicationKey(application.jobId, application.nanny);
        if (applications.has(key)) throw new Conflict(`You already applied to job ${application.jobId}`);
        applications.set(key, { ...application });
        return application;
      },
      ofJob: async (jobId, page) => pageOf(applicationsOf(jobId), page),
      ofNanny: async (nanny, page) =>
        pageOf(
          [...applications.values()].filter((application) => application.nanny === nanny),
          page,
        ),
      count: async (jobId) => applicationsOf(jobId).length,
    },
    reviews: {
      async add(review) {
        const key = `${review.subject}#${review.jobId}#${review.author}`;
        if (reviews.has(key)) throw new Conflict(`You already rated job ${review.jobId}`);
        const subject = users.get(review.subject);
        if (!subject) throw new NotFound(`No user ${review.subject}`);
        reviews.set(key, review);
        subject.ratingSum = (subject.ratingSum ?? 0) + review.rating;
        subject.ratingCount = (subject.ratingCount ?? 0) + 1;
        return review;
      },
      of: async (subject, limit) => ({
        items: [...reviews.values()]
          .filter((review) => review.subject === subject)
          .reverse()
          .slice(0, limit),
      }),
    },
  };
  return store;
}
