import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClaims, isConditionFailed } from '@zero-idle/core';
import { DECISION_EMAIL_LEASE_MS, type DecisionEmailId } from './domain/decide';
import type { ClaimResult, StoredMessage, SubmissionRecords } from './domain/receive';
import type { Decision, Submission, SubmissionState } from './domain/submission';

/**
 * The Submissions table: one item per submission (pk id). The byState index (state, receivedAt) gives
 * the editor's queue oldest first, as a Query.
 *
 * While a copy of a message is processed, its item is `receiving` with a claim: a token and the
 * lease's end (leaseUntil, epoch ms). The claim's timeline:
 * - claim: written only if there is no item, or the item is `receiving` with a lease that has ended
 *   (its holder is certainly gone: the lease outlasts the function's timeout), or `failed`;
 * - markSent / complete / release: written only while the item still carries this token, so a copy
 *   whose lease was taken over can never overwrite the one that took it.
 */
export function submissionStore(db: DynamoDBDocumentClient, tableName: string): SubmissionRecords & ReturnType<typeof editorQueries> {
  const stateName = { '#state': 'state' };
  const holds = { ConditionExpression: 'claimToken = :token' } as const;
  return {
    async claim(id: string, token: string, now: number, leaseUntil: number, message: StoredMessage): Promise<ClaimResult> {
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id },
            // A failed record's error and facts go: this attempt writes its own.
            UpdateExpression:
              'SET #state = :receiving, claimToken = :token, leaseUntil = :until, rawKey = :rawKey, receivedAt = if_not_exists(receivedAt, :receivedAt) REMOVE #error',
            ConditionExpression: 'attribute_not_exists(id) OR (#state = :receiving AND leaseUntil < :now) OR #state = :failed',
            ExpressionAttributeNames: { ...stateName, '#error': 'error' },
            ExpressionAttributeValues: {
              ':receiving': 'receiving',
              ':failed': 'failed',
              ':token': token,
              ':until': leaseUntil,
              ':now': now,
              ':rawKey': message.rawKey,
              ':receivedAt': message.receivedAt,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { claimed: true, sent: (Attributes?.sent as string[] | undefined) ?? [] };
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }));
        return { claimed: false, existing: Item as Submission | undefined };
      }
    },

    async markSent(id: string, token: string, email: string): Promise<void> {
      await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { id },
          UpdateExpression: 'SET sent = list_append(if_not_exists(sent, :none), :email)',
          ...holds,
          ExpressionAttributeValues: { ':token': token, ':none': [], ':email': [email] },
        }),
      );
    },

    async complete(submission: Submission, token: string): Promise<void> {
      await db.send(new PutCommand({ TableName: tableName, Item: { ...submission }, ...holds, ExpressionAttributeValues: { ':token': token } }));
    },

    async release(id: string, token: string, error: string): Promise<void> {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id },
            UpdateExpression: 'SET leaseUntil = :ended, lastError = :error',
            ...holds,
            ExpressionAttributeValues: { ':token': token, ':ended': 0, ':error': error.slice(0, 2_000) },
          }),
        );
      } catch (releaseError) {
        // Taken over already: the claim is someone else's, and theirs to finish.
        if (!isConditionFailed(releaseError)) throw releaseError;
      }
    },

    ...editorQueries(db, tableName),
  };
}

/** What the editor's CLI reads and writes. */
function editorQueries(db: DynamoDBDocumentClient, tableName: string) {
  const stateName = { '#state': 'state' };
  /** The byState index, one state: the editor's queue. */
  const inState = (state: SubmissionState) => ({
    TableName: tableName,
    IndexName: 'byState',
    KeyConditionExpression: '#state = :state',
    ExpressionAttributeNames: stateName,
    ExpressionAttributeValues: { ':state': state },
  });
  const queries = {
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

    async decide(id: string, decision: Decision, decidedAt: string): Promise<boolean> {
      return queries.move(id, ['reading', 'held'], decision, decidedAt, { decidedAt });
    },

    /** Each decision's email, claimed on an item of its own (no state, so never in the byState queue). */
    decisionEmails: dynamoClaims<DecisionEmailId>({
      db,
      tableName,
      leaseMs: DECISION_EMAIL_LEASE_MS,
      key: ({ id, decision, decidedAt }) => ({ id: `${id}#${decision}-email#${decidedAt}` }),
      created: ({ id }) => ({ kind: 'decision-email', submission: id }),
    }),

    /** Moves a submission from one of `from` to `to`; false when another editor moved it first. */
    async move(id: string, from: readonly SubmissionState[], to: SubmissionState, now: string, also: Record<string, string> = {}): Promise<boolean> {
      const extra = Object.entries(also);
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { id },
            UpdateExpression: ['SET #state = :to, updatedAt = :now', ...extra.map(([name]) => `${name} = :${name}`)].join(', '),
            ConditionExpression: `#state IN (${from.map((_, index) => `:from${index}`).join(', ')})`,
            ExpressionAttributeNames: stateName,
            ExpressionAttributeValues: {
              ':to': to,
              ':now': now,
              ...Object.fromEntries(from.map((state, index) => [`:from${index}`, state])),
              ...Object.fromEntries(extra.map(([name, value]) => [`:${name}`, value])),
            },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    },
  };
  return queries;
}

export type SubmissionStore = ReturnType<typeof submissionStore>;
