import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ClientError, explainTransactionFailure, isConditionFailed } from '@zero-idle/core';
import type { Registration, User } from './domain/user';

/**
 * The Users table: a user item (pk USER#<username>, type USER) and an email guard item
 * (pk EMAIL#<email>, type EMAIL) that makes emails unique. The stream filter reacts to USER inserts only.
 */
export function userStore(db: DynamoDBDocumentClient, tableName: string) {
  const userKey = (username: string) => ({ pk: `USER#${username}` });
  const statusName = { '#status': 'status' };

  return {
    /** Creates the user and claims the email in one transaction; a taken username or email is a 409. */
    async register(registration: Registration, token: { tokenNonce: string; tokenExpiresAt: number }, now: number): Promise<User> {
      const user: User = { ...registration, status: 'NONE', tokenVersion: 1, ...token, createdAt: new Date(now).toISOString(), lastMailRequestedAt: now };
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

    /** NONE -> MAIL_SENT for this token version: the one write that lets exactly one execution send. */
    async claimMail(username: string, tokenVersion: number): Promise<User | undefined> {
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: userKey(username),
            UpdateExpression: 'SET #status = :sent',
            ConditionExpression: '#status = :none AND tokenVersion = :version',
            ExpressionAttributeNames: statusName,
            ExpressionAttributeValues: { ':sent': 'MAIL_SENT', ':none': 'NONE', ':version': tokenVersion },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return Attributes as User;
      } catch (error) {
        if (isConditionFailed(error)) return undefined;
        throw error;
      }
    },

    /** The path back when the send failed: MAIL_SENT -> NONE, so a retry may send. */
    async releaseMail(username: string, tokenVersion: number): Promise<void> {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: userKey(username),
            UpdateExpression: 'SET #status = :none',
            ConditionExpression: '#status = :sent AND tokenVersion = :version',
            ExpressionAttributeNames: statusName,
            ExpressionAttributeValues: { ':sent': 'MAIL_SENT', ':none': 'NONE', ':version': tokenVersion },
          }),
        );
      } catch (error) {
        // Already moved on (activated, or a resend made a new version): nothing to give back.
        if (!isConditionFailed(error)) throw error;
      }
    },

    async recordMailSent(username: string, tokenVersion: number, messageId: string, now: number): Promise<void> {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: userKey(username),
          UpdateExpression: 'SET mailMessageId = :id, mailSentAt = :at REMOVE activationFailure',
          ConditionExpression: 'tokenVersion = :version',
          ExpressionAttributeValues: { ':id': messageId, ':at': new Date(now).toISOString(), ':version': tokenVersion },
        }),
      );
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

    /**
     * A new token version for a resend, refused while DONE, within the cooldown, or past the limit.
     * Returns the renewed user, or undefined when the user does not exist or may not resend now.
     */
    async renewToken(
      username: string,
      token: { tokenNonce: string; tokenExpiresAt: number },
      now: number,
      limits: { cooldownMs: number; maxResends: number },
    ): Promise<User | undefined> {
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: userKey(username),
            UpdateExpression:
              'SET tokenVersion = tokenVersion + :one, tokenNonce = :nonce, tokenExpiresAt = :expires, #status = :none, lastMailRequestedAt = :now ADD resendCount :one',
            ConditionExpression:
              'attribute_exists(pk) AND #status <> :done AND lastMailRequestedAt <= :cooldown AND (attribute_not_exists(resendCount) OR resendCount < :max)',
            ExpressionAttributeNames: statusName,
            ExpressionAttributeValues: {
              ':one': 1,
              ':nonce': token.tokenNonce,
              ':expires': token.tokenExpiresAt,
              ':none': 'NONE',
              ':done': 'DONE',
              ':now': now,
              ':cooldown': now - limits.cooldownMs,
              ':max': limits.maxResends,
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
  };
}

export type UserStore = ReturnType<typeof userStore>;
