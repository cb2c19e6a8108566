import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from '@jest/globals';
import { conditionFailedItem, explainTransactionFailure, isConditionFailed } from '../../src/dynamo';

const conditionFailed = (item?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {}, Item: item as never });

describe('condition failures', () => {
  it('recognises a failed condition and nothing else', () => {
    expect(isConditionFailed(conditionFailed())).toBe(true);
    expect(isConditionFailed(new Error('boom'))).toBe(false);
    expect(isConditionFailed('ConditionalCheckFailedException')).toBe(false);
  });

  it('gives the old item back as plain values', () => {
    expect(conditionFailedItem(conditionFailed({ id: { S: 'a' }, n: { N: '2' } }))).toEqual({ id: 'a', n: 2 });
    expect(conditionFailedItem(conditionFailed())).toBeUndefined();
    expect(conditionFailedItem(new Error('x'))).toBeUndefined();
  });
});

describe('explainTransactionFailure', () => {
  const cancelled = (...codes: string[]) =>
    new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
  const meanings = [{ ConditionalCheckFailed: () => new Error('username taken') }, { ConditionalCheckFailed: () => new Error('email taken') }];

  it('maps the first explained reason to its error', () => {
    expect((explainTransactionFailure(cancelled('None', 'ConditionalCheckFailed'), meanings) as Error).message).toBe('email taken');
    expect((explainTransactionFailure(cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed'), meanings) as Error).message).toBe('username taken');
  });

  it('returns anything it cannot explain unchanged', () => {
    const conflict = cancelled('TransactionConflict', 'None');
    expect(explainTransactionFailure(conflict, meanings)).toBe(conflict);
    const other = new Error('network');
    expect(explainTransactionFailure(other, meanings)).toBe(other);
  });
});
