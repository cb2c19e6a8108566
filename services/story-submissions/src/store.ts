import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '@zero-idle/core';
import type { Submission, SubmissionState } from './domain/submission';

/**
 * The Submissions table: one item per submission (pk id). The byState index (state, receivedAt) gives
 * the editor's queue oldest first, as a Query.
 */
export function submissionStore(db: DynamoDBDocumentClient, tableName: string) {
  const stateName = { '#state': 'state' };
  /** The byState index, one state: the editor's queue. */
  const inState = (state: SubmissionState) => ({
    TableName: tableName,
    IndexName: 'byState',
    KeyConditionExpression: '#state = :state',
    ExpressionAttributeNames: stateName,
    ExpressionAttributeValues: { ':state': state },
  });
  return {
    /** Takes a message for processing; false when it is a duplicate (another copy made this submission). */
    async claim(id: string, rawKey: string, receivedAt: string): Promise<boolean> {
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: { id, state: 'receiving', rawKey, receivedAt },
            // A retry of the same stored copy may take over; another copy of the message may not.
            ConditionExpression: 'attribute_not_exists(id) OR #state = :receiving OR rawKey = :rawKey',
            ExpressionAttributeNames: stateName,
            ExpressionAttributeValues: { ':receiving': 'receiving', ':rawKey': rawKey },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    },

    async finish(submission: Submission): Promise<void> {
      await db.send(new PutCommand({ TableName: tableName, Item: { ...submission } }));
    },

    async get(id: string): Promise<Submission | undefined> {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }));
      return Item as Submission | undefined;
    },

    /** The oldest submissions in a state (a Query on byState, never a Scan). */
    async oldest(state: SubmissionState, limit: number): Promise<Submission[]> {
      const { Items = [] } = await db.send(new QueryCommand({ ...inState(state), ScanIndexForward: true, Limit: limit }));
      return Items as Submission[];
    },

    async count(state: SubmissionState): Promise<number> {
      let total = 0;
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(new QueryCommand({ ...inState(state), Select: 'COUNT', ExclusiveStartKey }));
        total += page.Count ?? 0;
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return total;
    },

    /** Moves a submission from one of `from` to `to`; false when another editor moved it first. */
    async move(id: string, from: readonly SubmissionState[], to: SubmissionState, now: string): Promise<boolean> {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id },
            UpdateExpression: 'SET #state = :to, updatedAt = :now',
            ConditionExpression: `#state IN (${from.map((_, index) => `:from${index}`).join(', ')})`,
            ExpressionAttributeNames: stateName,
            ExpressionAttributeValues: { ':to': to, ':now': now, ...Object.fromEntries(from.map((state, index) => [`:from${index}`, state])) },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    },
  };
}

export type SubmissionStore = ReturnType<typeof submissionStore>;
