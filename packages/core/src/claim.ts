import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionFailedItem, isConditionFailed } from './dynamo';

/**
 * A claim on an effect that must happen once (an email, a publish), kept on a DynamoDB item.
 *
 * The timeline of one claim, every step one conditional UpdateItem:
 * - claim: CLAIMED with a fresh token and `leaseUntil = now + lease`, only if the item holds no claim,
 *   or holds one whose lease has ended, and the caller's own condition holds. The lease is longer
 *   than the function's timeout, so an ended lease means its holder is certainly gone (it died
 *   between claim and complete): the retry takes over instead of counting the effect as done.
 * - complete: DONE, only while the item still carries this token.
 * - release: the claim removed (the error kept in `claimError`), only while the item carries this
 *   token, so the retry of a failed effect claims again; a claim taken over is never released by
 *   the holder it was taken from.
 * Of racing claimants exactly one is `claimed`; the others see `held` (or `done`). An effect whose
 * holder dies after the effect but before `complete` happens again after the lease: at least once,
 * never twice while a holder lives.
 */
export type ClaimOutcome =
  | { state: 'claimed'; token: string; item: Record<string, unknown> }
  | { state: 'done'; item: Record<string, unknown> }
  | { state: 'held'; item: Record<string, unknown> }
  /** The item is missing where it must exist, or the caller's condition does not hold. */
  | { state: 'refused'; item?: Record<string, unknown> };

export interface Claims<Id> {
  claim(id: Id, now: number): Promise<ClaimOutcome>;
  /** DONE, with the effect's result (a message id, say) on the item; an undefined value removes that attribute. Throws if the claim was lost. */
  complete(id: Id, token: string, now: number, result?: Record<string, unknown>): Promise<void>;
  /** Gives the claim back after a failed effect; a claim already taken over is left alone. */
  release(id: Id, token: string, error: string): Promise<void>;
}

/** The caller's part of the claim's condition, in DynamoDB's expression syntax. */
export interface ClaimCondition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

export interface DynamoClaimsOptions<Id> {
  db: DynamoDBDocumentClient;
  tableName: string;
  key(id: Id): Record<string, unknown>;
  /** Longer than the timeout of every function that claims, so a live holder is never taken over. */
  leaseMs: number;
  /** Attributes written with the claim when it creates the item (a marker item's kind, say). */
  created?(id: Id): Record<string, unknown>;
  /** Must hold besides the claim's own condition (the item exists, a version matches). */
  condition?(id: Id): ClaimCondition;
}

const NAMES = { '#claim': 'claimState', '#token': 'claimToken', '#lease': 'leaseUntil' };

/** The claim's attributes, for stores whose own writes start a new claim (a new token version, say). */
export const CLAIM_ATTRIBUTES = ['claimState', 'claimToken', 'leaseUntil', 'claimedAt', 'claimError'] as const;

/** What a claimant that lost sees, from the item as it was when the condition failed. */
export function refusedClaim(item: Record<string, unknown> | undefined, now: number): ClaimOutcome {
  if (item?.claimState === 'DONE') return { state: 'done', item };
  if (item?.claimState === 'CLAIMED' && Number(item.leaseUntil) >= now) return { state: 'held', item };
  return { state: 'refused', item };
}

export function dynamoClaims<Id>(options: DynamoClaimsOptions<Id>): Claims<Id> {
  const { db, tableName, key, leaseMs } = options;

  return {
    async claim(id, now) {
      const own = options.condition?.(id);
      const created = Object.entries(options.created?.(id) ?? {});
      const token = randomUUID();
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(id),
            UpdateExpression: [
              'SET #claim = :claimed, #token = :token, #lease = :until, claimedAt = :now',
              ...created.map((_, index) => `#c${index} = :c${index}`),
            ].join(', '),
            ConditionExpression: `(attribute_not_exists(#claim) OR (#claim = :claimed AND #lease < :now))${own ? ` AND (${own.expression})` : ''}`,
            ExpressionAttributeNames: { ...NAMES, ...own?.names, ...Object.fromEntries(created.map(([name], index) => [`#c${index}`, name])) },
            ExpressionAttributeValues: {
              ':claimed': 'CLAIMED',
              ':token': token,
              ':until': now + leaseMs,
              ':now': now,
              ...own?.values,
              ...Object.fromEntries(created.map(([, value], index) => [`:c${index}`, value])),
            },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { state: 'claimed', token, item: Attributes ?? {} };
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        return refusedClaim(conditionFailedItem(error), now);
      }
    },

    async complete(id, token, now, result = {}) {
      const fields = Object.entries(result).filter(([, value]) => value !== undefined);
      const removed = Object.keys(result).filter((name) => result[name] === undefined);
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(id),
          UpdateExpression: ['SET #claim = :done, doneAt = :at', ...fields.map((_, index) => `#r${index} = :r${index}`)]
            .join(', ')
            .concat(' REMOVE ', ['#token', '#lease', 'claimError', ...removed.map((_, index) => `#x${index}`)].join(', ')),
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: {
            ...NAMES,
            ...Object.fromEntries(fields.map(([name], index) => [`#r${index}`, name])),
            ...Object.fromEntries(removed.map((name, index) => [`#x${index}`, name])),
          },
          ExpressionAttributeValues: {
            ':done': 'DONE',
            ':at': new Date(now).toISOString(),
            ':token': token,
            ...Object.fromEntries(fields.map(([, value], index) => [`:r${index}`, value])),
          },
        }),
      );
    },

    async release(id, token, error) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(id),
            UpdateExpression: 'SET claimError = :error REMOVE #claim, #token, #lease, claimedAt',
            ConditionExpression: '#token = :token',
            ExpressionAttributeNames: NAMES,
            ExpressionAttributeValues: { ':token': token, ':error': error },
          }),
        );
      } catch (releaseError) {
        // Taken over after the lease ended: the claim is someone else's now, and theirs to finish.
        if (!isConditionFailed(releaseError)) throw releaseError;
      }
    },
  };
}
