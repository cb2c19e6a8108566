import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { explainTransactionFailure } from '@zero-idle/core';
import { Conflict, NotFound } from '../domain/errors';
import type { Review } from '../domain/model';
import type { BookingStore } from '../domain/ports';
import { readPage } from './pages';
import { items, keys, lists, putNew } from './table';

export function reviewsStore(db: DynamoDBDocumentClient, tableName: string) {
  return {
    async add(review) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              putNew(tableName, items.review(review)),
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
          { ConditionalCheckFailed: () => new Conflict(`You already rated job ${review.jobId}`) },
          { ConditionalCheckFailed: () => new NotFound(`No user ${review.subject}`) },
        ]);
      }
      return review;
    },

    of: (subject, limit) => readPage<Review>(db, tableName, { ...lists.reviewsOf(subject), ScanIndexForward: false }, { limit }),
  } satisfies BookingStore['reviews'];
}
