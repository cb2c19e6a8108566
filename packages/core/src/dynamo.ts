import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/** A document client that drops undefined attributes instead of failing on them. */
export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** True when a write was refused because its ConditionExpression did not hold. */
export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * The item as it was when a condition failed (ReturnValuesOnConditionCheckFailure: ALL_OLD), as plain
 * values: the document client leaves the error's item in AttributeValue form.
 */
export function conditionFailedItem(error: unknown): Record<string, unknown> | undefined {
  if (!isConditionFailed(error)) return undefined;
  const item = (error as { Item?: Parameters<typeof unmarshall>[0] }).Item;
  return item ? unmarshall(item) : undefined;
}

export type CancellationCode =
  | 'None'
  | 'ConditionalCheckFailed'
  | 'ItemCollectionSizeLimitExceeded'
  | 'TransactionConflict'
  | 'ProvisionedThroughputExceeded'
  | 'ThrottlingError'
  | 'ValidationError';

/** For one item of a transaction: the error to raise for a given cancellation code. */
export type CancellationMeaning = Partial<Record<CancellationCode, () => Error>>;

/**
 * Maps a TransactionCanceledException to the error that explains it, using one entry per
 * transaction item (same order as TransactItems). The first item whose reason has a meaning wins;
 * anything unexplained is returned unchanged so it is never hidden.
 */
export function explainTransactionFailure(error: unknown, meanings: ReadonlyArray<CancellationMeaning | undefined>): unknown {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return error;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  for (const [index, reason] of reasons.entries()) {
    const explain = meanings[index]?.[reason.Code as CancellationCode];
    if (explain) return explain();
  }
  return error;
}
