import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { explainTransactionFailure, isConditionFailed } from '@zero-idle/core';
import { Conflict, NotFound } from '../domain/errors';
import type { User } from '../domain/model';
import type { BookingStore } from '../domain/ports';
import { readPage } from './pages';
import { items, keys, lists, putNew, record } from './table';

export function usersStore(db: DynamoDBDocumentClient, tableName: string) {
  return {
    async get(username) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.user(username) }));
      return Item ? record<User>(Item) : undefined;
    },

    async create(user) {
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [putNew(tableName, items.user(user)), putNew(tableName, items.emailGuard(user.email, user.username))],
          }),
        );
      } catch (error) {
        throw explainTransactionFailure(error, [
          { ConditionalCheckFailed: () => new Conflict(`The username ${user.username} already has a profile`) },
          { ConditionalCheckFailed: () => new Conflict('An account with this email already exists') },
        ]);
      }
      return user;
    },

    list: (page) => readPage<User>(db, tableName, lists.users(), page),

    async setStatus(username, status) {
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
        return record<User>(Attributes ?? {});
      } catch (error) {
        if (isConditionFailed(error)) throw new NotFound(`No user ${username}`);
        throw error;
      }
    },

    async update(current, change) {
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
              putNew(tableName, items.emailGuard(updated.email, current.username)),
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
        throw explainTransactionFailure(error, [undefined, { ConditionalCheckFailed: () => new Conflict('An account with this email already exists') }]);
      }
      return updated;
    },

    /** Several users in one BatchGetItem per 100 (the unprocessed keys asked again); missing ones are left out. */
    async getMany(usernames: string[]): Promise<Map<string, User>> {
      const found = new Map<string, User>();
      const unique = [...new Set(usernames)];
      for (let start = 0; start < unique.length; start += 100) {
        let keysLeft: Record<string, unknown>[] | undefined = unique.slice(start, start + 100).map((username) => keys.user(username));
        for (let attempt = 0; keysLeft?.length; attempt += 1) {
          if (attempt === 5) throw new Error(`DynamoDB left ${keysLeft.length} user reads unprocessed five times`);
          if (attempt) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
          const answer: BatchGetCommandOutput = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keysLeft } } }));
          for (const item of answer.Responses?.[tableName] ?? []) {
            const user = record<User>(item);
            found.set(user.username, user);
          }
          keysLeft = answer.UnprocessedKeys?.[tableName]?.Keys;
        }
      }
      return found;
    },
  } satisfies BookingStore['users'] & Record<string, unknown>;
}
