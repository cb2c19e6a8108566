import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '@zero-idle/core';
import type { Week } from './domain/prices';

/** Why a week was stored: `fetch` weeks are new and may alert; `history` and `backfill` weeks never do. */
export type Origin = 'fetch' | 'history' | 'backfill';

/**
 * The Prices table. Weeks: pk "WEEK", sk the week's date (a Query gives them in date order). Alert
 * markers: pk "ALERT", sk "<week>#<region>", written before an alert is published (idempotency key).
 */
export function priceStore(db: DynamoDBDocumentClient, tableName: string) {
  const weekItem = (week: Week, origin: Origin, now: number) => ({
    pk: 'WEEK',
    sk: week.week,
    kind: 'WEEK',
    origin,
    ...week,
    storedAt: new Date(now).toISOString(),
  });

  return {
    /** The newest stored week, if any. */
    async latestWeek(): Promise<Week | undefined> {
      const { Items = [] } = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'WEEK' },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      return Items[0] as Week | undefined;
    },

    /** The stored week just before `week`: what a new week is compared with. */
    async weekBefore(week: string): Promise<Week | undefined> {
      const { Items = [] } = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk < :week',
          ExpressionAttributeValues: { ':pk': 'WEEK', ':week': week },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      return Items[0] as Week | undefined;
    },

    /** The dates already stored between two weeks (inclusive). */
    async storedWeeks(from: string, to: string): Promise<Set<string>> {
      const weeks = new Set<string>();
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': 'WEEK', ':from': from, ':to': to },
            ProjectionExpression: 'sk',
            ExclusiveStartKey,
            ConsistentRead: true,
          }),
        );
        for (const item of page.Items ?? []) weeks.add(String(item.sk));
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return weeks;
    },

    /**
     * Stores weeks all together or not at all (one transaction per 100), each only if absent: a
     * concurrent run that stored one first fails the whole write, and the next run picks up the rest.
     */
    async addWeeks(weeks: Array<{ week: Week; origin: Origin }>, now: number): Promise<void> {
      for (let start = 0; start < weeks.length; start += 100) {
        await db.send(
          new TransactWriteCommand({
            TransactItems: weeks.slice(start, start + 100).map(({ week, origin }) => ({
              Put: { TableName: tableName, Item: weekItem(week, origin, now), ConditionExpression: 'attribute_not_exists(pk)' },
            })),
          }),
        );
      }
    },

    /** For backfill: stores a week unless present; true when it was new. */
    async addWeekIfAbsent(week: Week, origin: Origin, now: number): Promise<boolean> {
      try {
        await db.send(new PutCommand({ TableName: tableName, Item: weekItem(week, origin, now), ConditionExpression: 'attribute_not_exists(pk)' }));
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    },

    /** Takes the right to publish one alert; false when it was taken (published, or being published). */
    async claimAlert(week: string, region: string, now: number): Promise<boolean> {
      try {
        await db.send(
          new PutCommand({
            TableName: tableName,
            Item: { pk: 'ALERT', sk: `${week}#${region}`, kind: 'ALERT', state: 'PUBLISHING', claimedAt: new Date(now).toISOString() },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    },

    async markAlertPublished(week: string, region: string, messageId: string, now: number): Promise<void> {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk: 'ALERT', sk: `${week}#${region}`, kind: 'ALERT', state: 'PUBLISHED', messageId, publishedAt: new Date(now).toISOString() },
        }),
      );
    },

    /** The way back after a failed publish, so the retried record publishes. */
    async releaseAlert(week: string, region: string): Promise<void> {
      await db.send(
        new DeleteCommand({
          TableName: tableName,
          Key: { pk: 'ALERT', sk: `${week}#${region}` },
          ConditionExpression: '#state = :publishing',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':publishing': 'PUBLISHING' },
        }),
      );
    },
  };
}

export type PriceStore = ReturnType<typeof priceStore>;
