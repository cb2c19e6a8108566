import { geohash } from '../domain/geo';
import type { Application, Job, JobStatus, Review, User } from '../domain/model';

/**
 * The single table. Every key and index key is made here and nowhere else.
 *
 * | item           | pk                | sk             | gsi1pk (gsi1sk)                  | gsi2pk (gsi2sk)                 |
 * | user           | USER#<name>       | PROFILE        | USERS (<name>)                   |                                 |
 * | email guard    | EMAIL#<email>     | EMAIL          |                                  |                                 |
 * | job            | JOB#<id>          | JOB            | PARENT#<parent> (<created>#<id>) | STATUS#<status> (<starts>#<id>) |
 * | application    | JOB#<id>          | APP#<nanny>    | NANNY#<nanny> (<applied>#<id>)   |                                 |
 * | review         | REVIEWS#<subject> | <job>#<author> |                                  |                                 |
 *
 * Open jobs with a location are also in gsi3: GEO#<geohash cell> (<starts>#<id>); booking removes
 * them (a sparse index). Application items also carry the state of the applicant's one email
 * (applicationEmails.ts). Ratings are summed on the user item, in the same transaction as the review.
 */
export const keys = {
  user: (username: string) => ({ pk: `USER#${username}`, sk: 'PROFILE' }),
  email: (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' }),
  job: (id: string) => ({ pk: `JOB#${id}`, sk: 'JOB' }),
  application: (jobId: string, nanny: string) => ({ pk: `JOB#${jobId}`, sk: `APP#${nanny}` }),
  review: (subject: string, jobId: string, author: string) => ({ pk: `REVIEWS#${subject}`, sk: `${jobId}#${author}` }),
};

/** The key conditions of every list this table answers (a Query's KeyConditionExpression and values). */
export const lists = {
  users: () => ({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': 'USERS' } }),
  jobsOfParent: (parent: string) => ({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `PARENT#${parent}` } }),
  jobsByStatus: (status: JobStatus) => ({
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': `STATUS#${status}` },
  }),
  jobsInCell: (cell: string) => ({ IndexName: 'gsi3', KeyConditionExpression: 'gsi3pk = :pk', ExpressionAttributeValues: { ':pk': `GEO#${cell}` } }),
  applicationsOfJob: (jobId: string) => ({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :app)',
    ExpressionAttributeValues: { ':pk': `JOB#${jobId}`, ':app': 'APP#' },
  }),
  applicationsOfNanny: (nanny: string) => ({
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': `NANNY#${nanny}` },
  }),
  reviewsOf: (subject: string) => ({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `REVIEWS#${subject}` } }),
};

/** The index keys a job has in each status: booking and marking done move it (and take it off the map). */
export const jobStatusKey = (status: JobStatus) => `STATUS#${status}`;

/** Each record as its item: the record's attributes and its keys. */
export const items = {
  user: (user: User) => ({ ...keys.user(user.username), type: 'USER', gsi1pk: 'USERS', gsi1sk: user.username, ...user }),
  emailGuard: (email: string, username: string) => ({ ...keys.email(email), type: 'EMAIL', username }),
  job: (job: Job) => ({
    ...keys.job(job.id),
    type: 'JOB',
    gsi1pk: `PARENT#${job.parent}`,
    gsi1sk: `${job.createdAt}#${job.id}`,
    gsi2pk: jobStatusKey(job.status),
    gsi2sk: `${job.startsAt}#${job.id}`,
    ...(job.location && job.status === 'OPEN' ? { gsi3pk: `GEO#${geohash(job.location.lat, job.location.lon)}`, gsi3sk: `${job.startsAt}#${job.id}` } : {}),
    ...job,
  }),
  application: (application: Application) => ({
    ...keys.application(application.jobId, application.nanny),
    type: 'APPLICATION',
    gsi1pk: `NANNY#${application.nanny}`,
    gsi1sk: `${application.appliedAt}#${application.jobId}`,
    ...application,
  }),
  review: (review: Review) => ({ ...keys.review(review.subject, review.jobId, review.author), type: 'REVIEW', ...review }),
};

/** A transaction Put that only creates: the uniqueness rule of every key this store writes once. */
export const putNew = (TableName: string, Item: Record<string, unknown>) => ({ Put: { TableName, Item, ConditionExpression: 'attribute_not_exists(pk)' } });

/** An item as its record: the keys and the type left out. */
export function record<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, gsi3pk: _g3, gsi3sk: _g3s, type: _type, ...rest } = item;
  return rest as T;
}
