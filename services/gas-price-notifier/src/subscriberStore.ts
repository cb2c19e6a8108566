import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionFailedItem, isConditionFailed } from '@zero-idle/core';
import type { Subscriber, SubscriberStore } from './domain/ports';

/** An ended subscriber is kept this long (the hourly email limit still holds), then DynamoDB's TTL removes it. */
export const ENDED_RETENTION_S = 30 * 24 * 3600;

const subscriberKey = (email: string) => ({ pk: `SUBSCRIBER#${email}`, sk: 'SUBSCRIBER' });
const tokenKey = (token: string) => ({ pk: `TOKEN#${token}`, sk: 'TOKEN' });

/**
 * Subscribers in the Prices table: `SUBSCRIBER#<email> / SUBSCRIBER` holds the choice, the SNS
 * subscription and the last email; `TOKEN#<token> / TOKEN` points a personal link at its address.
 */
export function subscriberStore(db: DynamoDBDocumentClient, tableName: string): SubscriberStore {
  const get = async (email: string) => {
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: subscriberKey(email), ConsistentRead: true }));
    return Item as Subscriber | undefined;
  };
  return {
    get,
    async byToken(token) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: tokenKey(token), ConsistentRead: true }));
      return typeof Item?.email === 'string' ? get(Item.email) : undefined;
    },
    async create(subscriber) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: { ...subscriberKey(subscriber.email), kind: 'SUBSCRIBER', ...subscriber },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: { ...tokenKey(subscriber.token), kind: 'TOKEN', email: subscriber.email },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
        return true;
      } catch (error) {
        const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
        if ((error as Error).name === 'TransactionCanceledException' && reasons[0]?.Code === 'ConditionalCheckFailed') return false;
        throw error;
      }
    },
    async takeEmailSlot(email, now, since) {
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: subscriberKey(email),
            UpdateExpression: 'SET emailedAt = :now',
            ConditionExpression: 'attribute_exists(pk) AND emailedAt <= :since',
            ExpressionAttributeValues: { ':now': now, ':since': since },
            ReturnValues: 'UPDATED_OLD',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { taken: true, previous: Number(Attributes?.emailedAt) };
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        return { taken: false, emailedAt: Number(conditionFailedItem(error)?.emailedAt ?? now) };
      }
    },
    async giveBackEmailSlot(email, ours, previous) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: subscriberKey(email),
            UpdateExpression: 'SET emailedAt = :previous',
            ConditionExpression: 'emailedAt = :ours',
            ExpressionAttributeValues: { ':previous': previous, ':ours': ours },
          }),
        );
      } catch (error) {
        if (!isConditionFailed(error)) throw error; // Another request took the slot since: it is theirs.
      }
    },
    async update(email, changes, now) {
      const values: Record<string, unknown> = { ':updatedAt': new Date(now).toISOString() };
      const sets = ['updatedAt = :updatedAt'];
      for (const [field, value] of Object.entries(changes)) {
        if (value === undefined) continue;
        sets.push(`${field} = :${field}`);
        values[`:${field}`] = value;
      }
      // An ended subscriber expires after the retention; one that subscribes again does not.
      const ended = changes.state === 'ended';
      if (ended) {
        sets.push('expiresAt = :expiresAt');
        values[':expiresAt'] = Math.floor(now / 1000) + ENDED_RETENTION_S;
      }
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: subscriberKey(email),
          UpdateExpression: `SET ${sets.join(', ')}${changes.state && !ended ? ' REMOVE expiresAt' : ''}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: values,
        }),
      );
    },
    async remove(subscriber) {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: tableName,
                Key: subscriberKey(subscriber.email),
                ConditionExpression: 'id = :id',
                ExpressionAttributeValues: { ':id': subscriber.id },
              },
            },
            { Delete: { TableName: tableName, Key: tokenKey(subscriber.token) } },
          ],
        }),
      );
    },
  };
}
