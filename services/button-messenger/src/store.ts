import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionFailedItem, isConditionFailed } from '@zero-idle/core';
import type { Button, ButtonSettings } from './domain/button';
import type { ClaimResult, PressStore } from './domain/press';

/** The Buttons table: one item per button, keyed by buttonId. Every state change is a conditional write. */
export function buttonStore(db: DynamoDBDocumentClient, tableName: string) {
  const key = (buttonId: string) => ({ TableName: tableName, Key: { buttonId } });

  const press: PressStore = {
    async claim(buttonId, claimId, now, staleBefore, secretHash): Promise<ClaimResult> {
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            ...key(buttonId),
            UpdateExpression: 'SET #state = :sending, claimId = :claim, claimedAt = :now ADD attempts :one',
            ConditionExpression: `attribute_exists(buttonId) AND (#state = :armed OR (#state = :sending AND claimedAt < :stale))${
              secretHash ? ' AND secretHash = :secret' : ''
            }`,
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: {
              ':sending': 'SENDING',
              ':armed': 'ARMED',
              ':claim': claimId,
              ':now': now,
              ':stale': staleBefore,
              ':one': 1,
              ...(secretHash ? { ':secret': secretHash } : {}),
            },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { claimed: true, button: Attributes as Button };
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        return { claimed: false, button: conditionFailedItem(error) as Button | undefined };
      }
    },

    async markSent(buttonId, claimId, messageId, now) {
      await db.send(
        new UpdateCommand({
          ...key(buttonId),
          UpdateExpression: 'SET #state = :sent, messageId = :messageId, sentAt = :at, updatedAt = :at REMOVE claimId, claimedAt, lastError',
          ConditionExpression: 'claimId = :claim',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':sent': 'SENT', ':messageId': messageId, ':at': new Date(now).toISOString(), ':claim': claimId },
        }),
      );
    },

    async release(buttonId, claimId, error, now) {
      await db.send(
        new UpdateCommand({
          ...key(buttonId),
          UpdateExpression: 'SET #state = :armed, lastError = :error, updatedAt = :at REMOVE claimId, claimedAt',
          ConditionExpression: 'claimId = :claim',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':armed': 'ARMED', ':error': error, ':at': new Date(now).toISOString(), ':claim': claimId },
        }),
      );
    },
  };

  return {
    ...press,

    async get(buttonId: string): Promise<Button | undefined> {
      const { Item } = await db.send(new GetCommand({ ...key(buttonId), ConsistentRead: true }));
      return Item as Button | undefined;
    },

    /** Creates or updates a button's settings; a new button starts ARMED, an existing one keeps its state. */
    async configure(settings: ButtonSettings, now: number): Promise<Button> {
      const { Attributes } = await db.send(
        new UpdateCommand({
          ...key(settings.buttonId),
          UpdateExpression:
            'SET sender = :sender, recipients = :recipients, subject = :subject, message = :message, #state = if_not_exists(#state, :armed), updatedAt = :at',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':sender': settings.sender,
            ':recipients': settings.recipients,
            ':subject': settings.subject,
            ':message': settings.message,
            ':armed': 'ARMED',
            ':at': new Date(now).toISOString(),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as Button;
    },

    /** Stores the hash of a new HTTPS-trigger secret; the old secret stops working at once. */
    async setSecretHash(buttonId: string, secretHash: string): Promise<void> {
      await db.send(
        new UpdateCommand({
          ...key(buttonId),
          UpdateExpression: 'SET secretHash = :hash',
          ConditionExpression: 'attribute_exists(buttonId)',
          ExpressionAttributeValues: { ':hash': secretHash },
        }),
      );
    },

    /** SENT -> ARMED so the next press sends again; refused while a press holds the claim. */
    async rearm(buttonId: string, now: number, staleBefore: number): Promise<boolean> {
      try {
        await db.send(
          new UpdateCommand({
            ...key(buttonId),
            UpdateExpression: 'SET #state = :armed, updatedAt = :at REMOVE sentAt, messageId, claimId, claimedAt, lastError',
            ConditionExpression: 'attribute_exists(buttonId) AND (#state <> :sending OR claimedAt < :stale)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':armed': 'ARMED', ':sending': 'SENDING', ':stale': staleBefore, ':at': new Date(now).toISOString() },
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

export type ButtonStore = ReturnType<typeof buttonStore>;
