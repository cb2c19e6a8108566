import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { explainTransactionFailure } from '@zero-idle/core';
import { Conflict } from '../domain/errors';
import type { Application } from '../domain/model';
import type { BookingStore, PageRequest } from '../domain/ports';
import { queryUntil, readPage } from './pages';
import { items, keys, lists, putNew } from './table';

export function applicationsStore(db: DynamoDBDocumentClient, tableName: string) {
  return {
    async apply(application) {
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
              putNew(tableName, items.application(application)),
            ],
          }),
        );
      } catch (error) {
        throw explainTransactionFailure(error, [
          { ConditionalCheckFailed: () => new Conflict(`Job ${application.jobId} does not exist or takes no more applications`) },
          { ConditionalCheckFailed: () => new Conflict(`You already applied to job ${application.jobId}`) },
        ]);
      }
      return application;
    },

    ofJob: (jobId, page) => readPage<Application>(db, tableName, lists.applicationsOfJob(jobId), page),
    ofNanny: (nanny, page) => readPage<Application>(db, tableName, { ...lists.applicationsOfNanny(nanny), ScanIndexForward: false }, page),

    async count(jobId) {
      let total = 0;
      await queryUntil(db, tableName, { ...lists.applicationsOfJob(jobId), Select: 'COUNT' }, (page) => {
        total += page.Count ?? 0;
        return false;
      });
      return total;
    },

    /** A job's PENDING applications, read consistently: after a booking, every one still to decline. */
    pendingOfJob: (jobId: string, page: PageRequest) => {
      const applications = lists.applicationsOfJob(jobId);
      const pending = {
        FilterExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ...applications.ExpressionAttributeValues, ':pending': 'PENDING' },
      };
      return readPage<Application>(db, tableName, { ...applications, ...pending, ConsistentRead: true }, page);
    },
  } satisfies BookingStore['applications'] & Record<string, unknown>;
}
