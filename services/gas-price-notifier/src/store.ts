import { type DynamoDBDocumentClient, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClaims, isConditionFailed } from '@zero-idle/core';
import { ALERT_LEASE_MS } from './domain/alerts';
import type { AlertId, Origin } from './domain/ports';
import type { Week } from './domain/prices';

/**
 * The Prices table. Weeks: pk "WEEK", sk the week's date (a Query gives them in date order). Alert
 * markers: pk "ALERT", sk "<week>#<region>", claimed before an alert is published (see core's claim.ts).
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

  const store = {
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
  };

  const alerts = dynamoClaims<AlertId>({
    db,
    tableName,
    leaseMs: ALERT_LEASE_MS,
    key: ({ week, region }) => ({ pk: 'ALERT', sk: `${week}#${region}` }),
    created: () => ({ kind: 'ALERT' }),
  });
  return { ...store, alerts };
}

export type PriceStore = ReturnType<typeof priceStore>;
