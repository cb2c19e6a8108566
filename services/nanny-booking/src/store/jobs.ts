import { type DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { explainTransactionFailure, isConditionFailed } from '@zero-idle/core';
import { Conflict } from '../domain/errors';
import type { Application, Job } from '../domain/model';
import type { BookingStore } from '../domain/ports';
import { queryUntil, readPage } from './pages';
import { items, jobStatusKey, keys, lists, record } from './table';

export function jobsStore(db: DynamoDBDocumentClient, tableName: string) {
  return {
    async create(job) {
      await db.send(new PutCommand({ TableName: tableName, Item: items.job(job), ConditionExpression: 'attribute_not_exists(pk)' }));
      return job;
    },

    async get(id) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.job(id) }));
      return Item ? record<Job>(Item) : undefined;
    },

    ofParent: (parent, page) => readPage<Job>(db, tableName, { ...lists.jobsOfParent(parent), ScanIndexForward: false }, page),
    byStatus: (status, page) => readPage<Job>(db, tableName, lists.jobsByStatus(status), page),
    inCell: (cell, limit) => readPage<Job>(db, tableName, lists.jobsInCell(cell), { limit }),

    async book(job, nanny, parent) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: keys.job(job.id),
                  UpdateExpression: 'SET #status = :closed, gsi2pk = :closedKey, bookedNanny = :nanny REMOVE gsi3pk, gsi3sk',
                  ConditionExpression: '#status = :open AND parent = :parent',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':closed': 'CLOSED', ':closedKey': jobStatusKey('CLOSED'), ':open': 'OPEN', ':nanny': nanny, ':parent': parent },
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
          { ConditionalCheckFailed: () => new Conflict(`Job ${job.id} is not open any more`) },
          { ConditionalCheckFailed: () => new Conflict(`${nanny} has no pending application for job ${job.id}`) },
          { ConditionalCheckFailed: () => new Conflict(`${nanny}'s account is deactivated: they cannot be booked`) },
        ]);
      }
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.application(job.id, nanny) }));
      const accepted: Application = { jobId: job.id, nanny, status: 'ACCEPTED', appliedAt: String(Item?.appliedAt ?? '') };
      return { job: { ...job, status: 'CLOSED' as const, bookedNanny: nanny }, accepted };
    },

    async markDone(jobId, parent) {
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.job(jobId),
            UpdateExpression: 'SET #status = :done, gsi2pk = :doneKey',
            ConditionExpression: '#status = :closed AND parent = :parent',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':done': 'DONE', ':doneKey': jobStatusKey('DONE'), ':closed': 'CLOSED', ':parent': parent },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return record<Job>(Attributes ?? {});
      } catch (error) {
        if (isConditionFailed(error)) throw new Conflict(`Job ${jobId} is not booked (CLOSED), so it cannot be done`);
        throw error;
      }
    },

    /** The parent's jobs (gsi1), read until one booked the nanny. */
    hasBooking: (parent, nanny) => {
      const jobs = lists.jobsOfParent(parent);
      const booked = { FilterExpression: 'bookedNanny = :nanny', ExpressionAttributeValues: { ...jobs.ExpressionAttributeValues, ':nanny': nanny } };
      return queryUntil(db, tableName, { ...jobs, ...booked, ProjectionExpression: 'pk' }, (page) => Boolean(page.Items?.length));
    },
  } satisfies BookingStore['jobs'];
}
