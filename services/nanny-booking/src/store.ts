import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { explainTransactionFailure, isConditionFailed } from '@zero-idle/core';
import { geohash } from './domain/geo';
import { type Application, type Caller, GraphQLError, type Job, type JobStatus, type Review, type User } from './domain/rules';

/**
 * The single table. Every key is made here and nowhere else.
 *
 * | item           | pk             | sk           | gsi1pk (gsi1sk)                  | gsi2pk (gsi2sk)              |
 * | user           | USER#<name>    | PROFILE      | USERS (<name>)                   |                              |
 * | email guard    | EMAIL#<email>  | EMAIL        |                                  |                              |
 * | job            | JOB#<id>       | JOB          | PARENT#<parent> (<created>#<id>) | STATUS#<status> (<starts>#<id>) |
 * | application    | JOB#<id>       | APP#<nanny>  | NANNY#<nanny> (<applied>#<id>)   |                              |
 * | review         | REVIEWS#<subject> | <job>#<author> |                               |                              |
 *
 * Application items also carry the state of the applicant's one email (see applicantEmailStore.ts).
 *
 * Open jobs with a location are also in gsi3: GEO#<geohash cell> (<starts>#<id>); booking removes
 * them (a sparse index). Ratings are summed on the user item, in the same transaction as the review.
 *
 * Access patterns: a job's applications = Query pk JOB#<id>, sk begins_with APP# (jobApplications);
 * a nanny's applications = gsi1 NANNY#<nanny> (jobsAppliedTo); open jobs = gsi2 STATUS#OPEN
 * (jobsByStatus); a parent's jobs = gsi1 PARENT#<parent>; users = gsi1 USERS.
 */
export const keys = {
  user: (username: string) => ({ pk: `USER#${username}`, sk: 'PROFILE' }),
  email: (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' }),
  job: (id: string) => ({ pk: `JOB#${id}`, sk: 'JOB' }),
  application: (jobId: string, nanny: string) => ({ pk: `JOB#${jobId}`, sk: `APP#${nanny}` }),
  review: (subject: string, jobId: string, author: string) => ({ pk: `REVIEWS#${subject}`, sk: `${jobId}#${author}` }),
};

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

const encodeToken = (key: Record<string, unknown> | undefined) => (key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined);

function decodeToken(token: string | null | undefined): Record<string, unknown> | undefined {
  if (!token) return undefined;
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new GraphQLError('ValidationError', 'nextToken is not one this API gave out');
  }
}

function strip<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, gsi3pk: _g3, gsi3sk: _g3s, type: _type, ...rest } = item;
  return rest as T;
}

export function bookingStore(db: DynamoDBDocumentClient, tableName: string) {
  /** A transaction Put that only creates: the uniqueness rule of every key this store writes once. */
  const putNew = (Item: Record<string, unknown>) => ({ Put: { TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' } });

  async function page<T>(query: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>, limit: number, nextToken?: string | null): Promise<Page<T>> {
    const { Items = [], LastEvaluatedKey } = await db
      .send(new QueryCommand({ TableName: tableName, ...query, Limit: limit, ExclusiveStartKey: decodeToken(nextToken) }))
      .catch((error: Error) => {
        // A token of another list (or made up) is a bad argument, not a fault: DynamoDB says ValidationException.
        if (nextToken && error.name === 'ValidationException') throw new GraphQLError('ValidationError', 'nextToken is not one this API gave out');
        throw error;
      });
    return { items: Items.map((item) => strip<T>(item)), nextToken: encodeToken(LastEvaluatedKey) };
  }

  return {
    async getUser(username: string): Promise<User | undefined> {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.user(username) }));
      return Item ? strip<User>(Item) : undefined;
    },

    /** Several users in one BatchGetItem per 100 (the unprocessed keys asked again); missing ones are left out. */
    async getUsers(usernames: string[]): Promise<Map<string, User>> {
      const found = new Map<string, User>();
      const unique = [...new Set(usernames)];
      for (let start = 0; start < unique.length; start += 100) {
        let keysLeft: Record<string, unknown>[] | undefined = unique.slice(start, start + 100).map((username) => keys.user(username));
        for (let attempt = 0; keysLeft?.length; attempt += 1) {
          if (attempt === 5) throw new Error(`DynamoDB left ${keysLeft.length} user reads unprocessed five times`);
          if (attempt) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
          const answer: BatchGetCommandOutput = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keysLeft } } }));
          const { Responses, UnprocessedKeys } = answer;
          for (const item of Responses?.[tableName] ?? []) {
            const user = strip<User>(item);
            found.set(user.username, user);
          }
          keysLeft = UnprocessedKeys?.[tableName]?.Keys;
        }
      }
      return found;
    },

    /** The profile and its email guard in one transaction: usernames and emails are each unique. */
    async createUser(user: User): Promise<User> {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              putNew({ ...keys.user(user.username), type: 'USER', gsi1pk: 'USERS', gsi1sk: user.username, ...user }),
              putNew({ ...keys.email(user.email), type: 'EMAIL', username: user.username }),
            ],
          }),
        );
      } catch (error) {
        throw explainTransactionFailure(error, [
          { ConditionalCheckFailed: () => new GraphQLError('Conflict', `The username ${user.username} already has a profile`) },
          { ConditionalCheckFailed: () => new GraphQLError('Conflict', 'An account with this email already exists') },
        ]);
      }
      return user;
    },

    listUsers: (limit: number, nextToken?: string | null) =>
      page<User>({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': 'USERS' } }, limit, nextToken),

    async setAccountStatus(username: string, status: User['status']): Promise<User> {
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.user(username),
            UpdateExpression: 'SET #status = :status',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':status': status },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return strip<User>(Attributes ?? {});
      } catch (error) {
        if (isConditionFailed(error)) throw new GraphQLError('NotFound', `No user ${username}`);
        throw error;
      }
    },

    async createJob(job: Job): Promise<Job> {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...keys.job(job.id),
            type: 'JOB',
            gsi1pk: `PARENT#${job.parent}`,
            gsi1sk: `${job.createdAt}#${job.id}`,
            gsi2pk: `STATUS#${job.status}`,
            gsi2sk: `${job.startsAt}#${job.id}`,
            ...(job.location ? { gsi3pk: `GEO#${geohash(job.location.lat, job.location.lon)}`, gsi3sk: `${job.startsAt}#${job.id}` } : {}),
            ...job,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return job;
    },

    async getJob(id: string): Promise<Job | undefined> {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.job(id) }));
      return Item ? strip<Job>(Item) : undefined;
    },

    jobsOfParent: (parent: string, limit: number, nextToken?: string | null) =>
      page<Job>(
        { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `PARENT#${parent}` }, ScanIndexForward: false },
        limit,
        nextToken,
      ),

    jobsByStatus: (status: JobStatus, limit: number, nextToken?: string | null) =>
      page<Job>({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': `STATUS#${status}` } }, limit, nextToken),

    applicationsOfJob: (jobId: string, limit: number, nextToken?: string | null) =>
      page<Application>(
        { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :app)', ExpressionAttributeValues: { ':pk': `JOB#${jobId}`, ':app': 'APP#' } },
        limit,
        nextToken,
      ),

    /** A job's PENDING applications, read consistently: after a booking, every one still to decline. */
    pendingApplicationsOfJob: (jobId: string, limit: number, nextToken?: string | null) =>
      page<Application>(
        {
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :app)',
          FilterExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pk': `JOB#${jobId}`, ':app': 'APP#', ':pending': 'PENDING' },
          ConsistentRead: true,
        },
        limit,
        nextToken,
      ),

    async countApplications(jobId: string): Promise<number> {
      let total = 0;
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const found = await db.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :app)',
            ExpressionAttributeValues: { ':pk': `JOB#${jobId}`, ':app': 'APP#' },
            Select: 'COUNT',
            ExclusiveStartKey,
          }),
        );
        total += found.Count ?? 0;
        ExclusiveStartKey = found.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return total;
    },

    applicationsOfNanny: (nanny: string, limit: number, nextToken?: string | null) =>
      page<Application>(
        { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `NANNY#${nanny}` }, ScanIndexForward: false },
        limit,
        nextToken,
      ),

    /** Once per nanny and job, and only while the job is OPEN (checked in the same transaction). */
    async apply(application: Application): Promise<Application> {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                ConditionCheck: {
                  TableName: tableName,
                  Key: keys.job(application.jobId),
                  ConditionExpression: '#status = :open',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':open': 'OPEN' },
                },
              },
              putNew({
                ...keys.application(application.jobId, application.nanny),
                type: 'APPLICATION',
                gsi1pk: `NANNY#${application.nanny}`,
                gsi1sk: `${application.appliedAt}#${application.jobId}`,
                ...application,
              }),
            ],
          }),
        );
      } catch (error) {
        throw explainTransactionFailure(error, [
          { ConditionalCheckFailed: () => new GraphQLError('Conflict', `Job ${application.jobId} does not exist or takes no more applications`) },
          { ConditionalCheckFailed: () => new GraphQLError('Conflict', `You already applied to job ${application.jobId}`) },
        ]);
      }
      return application;
    },

    /** OPEN -> CLOSED for the job and PENDING -> ACCEPTED for one application, together or not at all. */
    async book(job: Job, nanny: string, caller: Caller): Promise<{ job: Job; accepted: Application }> {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: keys.job(job.id),
                  UpdateExpression: 'SET #status = :closed, gsi2pk = :closedKey, bookedNanny = :nanny REMOVE gsi3pk, gsi3sk',
                  ConditionExpression: '#status = :open AND parent = :caller',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: {
                    ':closed': 'CLOSED',
                    ':closedKey': 'STATUS#CLOSED',
                    ':open': 'OPEN',
                    ':nanny': nanny,
                    ':caller': caller.username,
                  },
                },
              },
              {
                Update: {
                  TableName: tableName,
                  Key: keys.application(job.id, nanny),
                  UpdateExpression: 'SET #status = :accepted',
                  ConditionExpression: '#status = :pending',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':accepted': 'ACCEPTED', ':pending': 'PENDING' },
                },
              },
              {
                // The nanny's account as it is now, not as it was when they applied.
                ConditionCheck: {
                  TableName: tableName,
                  Key: keys.user(nanny),
                  ConditionExpression: 'attribute_exists(pk) AND #status <> :deactivated',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':deactivated': 'DEACTIVATED' },
                },
              },
            ],
          }),
        );
      } catch (error) {
        throw explainTransactionFailure(error, [
          { ConditionalCheckFailed: () => new GraphQLError('Conflict', `Job ${job.id} is not open any more`) },
          { ConditionalCheckFailed: () => new GraphQLError('Conflict', `${nanny} has no pending application for job ${job.id}`) },
          { ConditionalCheckFailed: () => new GraphQLError('Conflict', `${nanny}'s account is deactivated: they cannot be booked`) },
        ]);
      }
      const appliedAt = (await this.getApplication(job.id, nanny))?.appliedAt ?? '';
      return { job: { ...job, status: 'CLOSED', bookedNanny: nanny }, accepted: { jobId: job.id, nanny, status: 'ACCEPTED', appliedAt } };
    },

    /** Whether the parent ever booked the nanny: the parent's jobs (gsi1), read until one is found. */
    async hasBooking(parent: string, nanny: string): Promise<boolean> {
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk',
            FilterExpression: 'bookedNanny = :nanny',
            ExpressionAttributeValues: { ':pk': `PARENT#${parent}`, ':nanny': nanny },
            ProjectionExpression: 'pk',
            ExclusiveStartKey,
          }),
        );
        if (page.Items?.length) return true;
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return false;
    },

    async getApplication(jobId: string, nanny: string): Promise<Application | undefined> {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.application(jobId, nanny) }));
      return Item ? strip<Application>(Item) : undefined;
    },

    /** Open jobs indexed in one geohash cell. */
    jobsInCell: (cell: string, limit: number) =>
      page<Job>({ IndexName: 'gsi3', KeyConditionExpression: 'gsi3pk = :pk', ExpressionAttributeValues: { ':pk': `GEO#${cell}` } }, limit),

    /** CLOSED -> DONE, by the job's parent only. */
    async markDone(jobId: string, caller: Caller): Promise<Job> {
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.job(jobId),
            UpdateExpression: 'SET #status = :done, gsi2pk = :doneKey',
            ConditionExpression: '#status = :closed AND parent = :caller',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':done': 'DONE', ':doneKey': 'STATUS#DONE', ':closed': 'CLOSED', ':caller': caller.username },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return strip<Job>(Attributes ?? {});
      } catch (error) {
        if (isConditionFailed(error)) throw new GraphQLError('Conflict', `Job ${jobId} is not booked (CLOSED), so it cannot be done`);
        throw error;
      }
    },

    /** Name and email; a new email moves the email guard in the same transaction, so emails stay unique. */
    async updateUser(current: User, change: { name?: string | null; email?: string | null }): Promise<User> {
      const updated: User = { ...current, name: change.name ?? current.name, email: change.email ?? current.email };
      const userUpdate = {
        Update: {
          TableName: tableName,
          Key: keys.user(current.username),
          UpdateExpression: 'SET #name = :name, email = :email',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: { ':name': updated.name, ':email': updated.email },
        },
      };
      const guards =
        updated.email === current.email
          ? []
          : [
              putNew({ ...keys.email(updated.email), type: 'EMAIL', username: current.username }),
              {
                Delete: {
                  TableName: tableName,
                  Key: keys.email(current.email),
                  ConditionExpression: 'username = :me',
                  ExpressionAttributeValues: { ':me': current.username },
                },
              },
            ];
      try {
        await db.send(new TransactWriteCommand({ TransactItems: [userUpdate, ...guards] }));
      } catch (error) {
        throw explainTransactionFailure(error, [
          undefined,
          { ConditionalCheckFailed: () => new GraphQLError('Conflict', 'An account with this email already exists') },
        ]);
      }
      return updated;
    },

    /** One review per author and job, and the subject's rating sum, together. */
    async addReview(review: Review): Promise<Review> {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              putNew({ ...keys.review(review.subject, review.jobId, review.author), type: 'REVIEW', ...review }),
              {
                Update: {
                  TableName: tableName,
                  Key: keys.user(review.subject),
                  UpdateExpression: 'ADD ratingSum :rating, ratingCount :one',
                  ConditionExpression: 'attribute_exists(pk)',
                  ExpressionAttributeValues: { ':rating': review.rating, ':one': 1 },
                },
              },
            ],
          }),
        );
      } catch (error) {
        throw explainTransactionFailure(error, [
          { ConditionalCheckFailed: () => new GraphQLError('Conflict', `You already rated job ${review.jobId}`) },
          { ConditionalCheckFailed: () => new GraphQLError('NotFound', `No user ${review.subject}`) },
        ]);
      }
      return review;
    },

    reviewsOf: (subject: string, limit: number) =>
      page<Review>({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `REVIEWS#${subject}` }, ScanIndexForward: false }, limit),
  };
}

export type BookingStore = ReturnType<typeof bookingStore>;
