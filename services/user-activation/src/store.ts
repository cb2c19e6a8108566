import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CLAIM_ATTRIBUTES, ClientError, conditionFailedItem, dynamoClaims, explainTransactionFailure, isConditionFailed } from '@zero-idle/core';
import { MAIL_LEASE_MS } from './domain/activationMail';
import type { MailId, ResendThrottle } from './domain/ports';
import type { Registration, User } from './domain/user';

/** A username's resend counter lives this long after its last request (the table's TTL removes it). */
const THROTTLE_TTL_MS = 30 * 24 * 3_600_000;
/** The counter's TTL attribute, in epoch seconds as DynamoDB's TTL reads it. */
const throttleExpiry = (now: number) => Math.floor((now + THROTTLE_TTL_MS) / 1000);

/**
 * The Users table: a user item (pk USER#<username>, type USER), an email guard item (pk EMAIL#<email>,
 * type EMAIL) that makes emails unique, and a resend counter per username asked for (pk
 * RESEND#<username>, type RESEND), known or not. The stream filter reacts to USER inserts only.
 */
export function userStore(db: DynamoDBDocumentClient, tableName: string) {
  const userKey = (username: string) => ({ pk: `USER#${username}` });
  const statusName = { '#status': 'status' };

  const throttleItem = (username: string, now: number, resendCount: number) => ({
    pk: `RESEND#${username}`,
    type: 'RESEND',
    lastMailRequestedAt: now,
    resendCount,
    expiresAt: throttleExpiry(now),
  });

  return {
    /** Creates the user and claims the email in one transaction; a taken username or email is a 409. */
    async register(registration: Registration, token: { tokenNonce: string; tokenExpiresAt: number }, now: number): Promise<User> {
      const user: User = { ...registration, status: 'NONE', tokenVersion: 1, ...token, createdAt: new Date(now).toISOString() };
      try {
        await db.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: tableName, Item: { ...userKey(user.username), type: 'USER', ...user }, ConditionExpression: 'attribute_not_exists(pk)' } },
              {
                Put: {
                  TableName: tableName,
                  Item: { pk: `EMAIL#${user.email}`, type: 'EMAIL', username: user.username },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              // The registration's own email counts as the last one asked for: a resend waits its cooldown.
              { Put: { TableName: tableName, Item: throttleItem(user.username, now, 0) } },
            ],
          }),
        );
      } catch (error) {
        throw explainTransactionFailure(error, [
          { ConditionalCheckFailed: () => new ClientError(409, `The username ${user.username} is taken`, 'UsernameTaken') },
          { ConditionalCheckFailed: () => new ClientError(409, 'An account with this email already exists', 'EmailTaken') },
        ]);
      }
      return user;
    },

    async get(username: string): Promise<User | undefined> {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: userKey(username), ConsistentRead: true }));
      return Item as User | undefined;
    },

    /** Only the current, unexpired token version can activate, and only once. */
    async activate(username: string, tokenVersion: number, now: number): Promise<boolean> {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: userKey(username),
            UpdateExpression: 'SET #status = :done, activatedAt = :at REMOVE tokenNonce',
            ConditionExpression: 'tokenVersion = :version AND #status <> :done AND tokenExpiresAt >= :now',
            ExpressionAttributeNames: statusName,
            ExpressionAttributeValues: { ':done': 'DONE', ':at': new Date(now).toISOString(), ':version': tokenVersion, ':now': now },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    },

    /** A new token version for a resend (a new claim with it), refused for unknown and active users. */
    async renewToken(username: string, token: { tokenNonce: string; tokenExpiresAt: number }, now: number): Promise<User | undefined> {
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: userKey(username),
            UpdateExpression: `SET tokenVersion = tokenVersion + :one, tokenNonce = :nonce, tokenExpiresAt = :expires, #status = :none, renewedAt = :now REMOVE ${CLAIM_ATTRIBUTES.join(', ')}`,
            ConditionExpression: 'attribute_exists(pk) AND #status <> :done',
            ExpressionAttributeNames: statusName,
            ExpressionAttributeValues: {
              ':one': 1,
              ':nonce': token.tokenNonce,
              ':expires': token.tokenExpiresAt,
              ':none': 'NONE',
              ':done': 'DONE',
              ':now': now,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return Attributes as User;
      } catch (error) {
        if (isConditionFailed(error)) return undefined;
        throw error;
      }
    },

    /** Where a person sees why activation mail failed: on the user item. */
    async recordFailure(username: string, failure: NonNullable<User['activationFailure']>): Promise<void> {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: userKey(username),
            UpdateExpression: 'SET activationFailure = :failure',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':failure': failure },
          }),
        );
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        throw new Error(`Cannot record the activation failure of ${username}: no such user (${failure.error}: ${failure.cause})`);
      }
    },

    /** The activation email's claim, on the user item, for the current token version of a user not active yet. */
    mail: dynamoClaims<MailId>({
      db,
      tableName,
      leaseMs: MAIL_LEASE_MS,
      key: ({ username }) => userKey(username),
      condition: ({ tokenVersion }) => ({
        expression: 'attribute_exists(pk) AND tokenVersion = :version AND #status = :none',
        names: statusName,
        values: { ':version': tokenVersion, ':none': 'NONE' },
      }),
    }),

    /** One conditional write per request: the cooldown and the limit, for any username. */
    throttle: {
      async take(username, now, limits) {
        try {
          await db.send(
            new UpdateCommand({
              TableName: tableName,
              Key: { pk: `RESEND#${username}` },
              UpdateExpression: 'SET #type = :type, lastMailRequestedAt = :now, expiresAt = :expires ADD resendCount :one',
              ConditionExpression:
                'attribute_not_exists(pk) OR (lastMailRequestedAt <= :cooldown AND (attribute_not_exists(resendCount) OR resendCount < :max))',
              ExpressionAttributeNames: { '#type': 'type' },
              ExpressionAttributeValues: {
                ':type': 'RESEND',
                ':now': now,
                ':expires': throttleExpiry(now),
                ':one': 1,
                ':cooldown': now - limits.cooldownMs,
                ':max': limits.maxResends,
              },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            }),
          );
          return 'allowed';
        } catch (error) {
          if (!isConditionFailed(error)) throw error;
          return Number(conditionFailedItem(error)?.resendCount ?? 0) >= limits.maxResends ? 'limit' : 'too-soon';
        }
      },
    } satisfies ResendThrottle,
  };
}

export type UserStore = ReturnType<typeof userStore>;
