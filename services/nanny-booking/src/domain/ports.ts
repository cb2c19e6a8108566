import type { AccountStatus, Application, Job, JobStatus, Page, Review, User } from './model';

/** A page to read: at most `limit` items after the token a previous page gave out. */
export interface PageRequest {
  limit: number;
  nextToken?: string | null;
}

/**
 * The records the use cases read and write, by entity. Each write is one conditional write or one
 * transaction, and states its own refusals as domain errors (Conflict, NotFound, Validation).
 */
export interface BookingStore {
  users: {
    get(username: string): Promise<User | undefined>;
    /** The profile and its unique email together: Conflict when either is taken. */
    create(user: User): Promise<User>;
    list(page: PageRequest): Promise<Page<User>>;
    setStatus(username: string, status: AccountStatus): Promise<User>;
    /** A new email moves its uniqueness guard in the same transaction. */
    update(current: User, change: { name?: string | null; email?: string | null }): Promise<User>;
  };
  jobs: {
    create(job: Job): Promise<Job>;
    get(id: string): Promise<Job | undefined>;
    ofParent(parent: string, page: PageRequest): Promise<Page<Job>>;
    byStatus(status: JobStatus, page: PageRequest): Promise<Page<Job>>;
    /** Open jobs with a location in one geohash cell. */
    inCell(cell: string, limit: number): Promise<Page<Job>>;
    /** OPEN -> CLOSED by its parent, the nanny's application PENDING -> ACCEPTED and their account active, together or not at all. */
    book(job: Job, nanny: string, parent: string): Promise<{ job: Job; accepted: Application }>;
    /** CLOSED -> DONE, by its parent only. */
    markDone(jobId: string, parent: string): Promise<Job>;
    /** Whether the parent ever booked the nanny. */
    hasBooking(parent: string, nanny: string): Promise<boolean>;
  };
  applications: {
    /** Once per nanny and job, while the job is OPEN. */
    apply(application: Application): Promise<Application>;
    ofJob(jobId: string, page: PageRequest): Promise<Page<Application>>;
    ofNanny(nanny: string, page: PageRequest): Promise<Page<Application>>;
    count(jobId: string): Promise<number>;
  };
  reviews: {
    /** One per author and job, with the subject's rating sum. */
    add(review: Review): Promise<Review>;
    of(subject: string, limit: number): Promise<Page<Review>>;
  };
}

/** Time and identifiers, injected so the use cases are tested with fixed ones. */
export interface Clock {
  now(): Date;
  newId(): string;
}
