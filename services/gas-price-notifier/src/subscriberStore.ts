import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionFailedItem, isConditionFailed } from '@zero-idle/core';
import type { Subscriber, SubscriberStore } from './domain/ports';

/** An ended subscriber is kept this long (the hourly email limit still holds), then DynamoDB's TTL removes it. */
export const ENDED_RETENTION_S = 30 * 24 * 3600;

const SENT_AT = { confirmation: 'confirmationSentAt', message: 'messageSentAt' } as const;
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
      if (typeof Item?.email !== 'string') return undefined;
      // The address may have subscribed again since, with a new token: an old link opens nothing.
      const subscriber = await get(Item.email);
      return subscriber?.token === token ? subscriber : undefined;
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
    async takeEmailSlot(email, kind, now, since) {
      const field = SENT_AT[kind];
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: subscriberKey(email),
            UpdateExpression: `SET ${field} = :now`,
            ConditionExpression: `attribute_exists(pk) AND (attribute_not_exists(${field}) OR ${field} <= :since)`,
            ExpressionAttributeValues: { ':now': now, ':since': since },
            ReturnValues: 'UPDATED_OLD',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { taken: true, previous: Number(Attributes?.[field] ?? 0) };
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        return { taken: false, sentAt: Number(conditionFailedItem(error)?.[field] ?? now) };
      }
    },
    async giveBackEmailSlot(email, kind, ours, previous) {
      const field = SENT_AT[kind];
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: subscriberKey(email),
            UpdateExpression: `SET ${field} = :previous`,
            ConditionExpression: `${field} = :ours`,
            ExpressionAttributeValues: { ':previous': previous, ':ours': ours },
          }),
        );
      } catch (error) {
        if (!isConditionFailed(error)) throw error; // Another request took the slot since: it is theirs.
      }
    },
    async update(email, changes, now) {
      // Names through placeholders: `state` is one of DynamoDB's reserved words.
      const fields = Object.entries({ ...changes, updatedAt: new Date(now).toISOString() }).filter(([, value]) => value !== undefined);
      const names: Record<string, string> = Object.fromEntries(fields.map(([field]) => [`#${field}`, field]));
      const values: Record<string, unknown> = Object.fromEntries(fields.map(([field, value]) => [`:${field}`, value]));
      const sets = fields.map(([field]) => `#${field} = :${field}`);
      // An ended subscriber expires after the retention; one that subscribes again does not.
      let remove = '';
      if (changes.state === 'ended') {
        sets.push('expiresAt = :expiresAt');
        values[':expiresAt'] = Math.floor(now / 1000) + ENDED_RETENTION_S;
      } else if (changes.state) remove = ' REMOVE expiresAt';
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: subscriberKey(email),
          UpdateExpression: `SET ${sets.join(', ')}${remove}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
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
