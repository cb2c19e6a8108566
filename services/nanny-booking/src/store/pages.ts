import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { Validation } from '../domain/errors';
import type { Page } from '../domain/model';
import type { PageRequest } from '../domain/ports';
import { record } from './table';

const foreignToken = () => new Validation('nextToken is not one this API gave out');

const encodeToken = (key: Record<string, unknown> | undefined) => (key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined);

function decodeToken(token: string | null | undefined): Record<string, unknown> | undefined {
  if (!token) return undefined;
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    throw foreignToken();
  }
}

export type ListQuery = Omit<QueryCommandInput, 'TableName' | 'Limit' | 'ExclusiveStartKey'>;

/** One page of a Query; its token is the last key read, opaque to the client. */
export async function readPage<T>(db: DynamoDBDocumentClient, tableName: string, query: ListQuery, { limit, nextToken }: PageRequest): Promise<Page<T>> {
  const { Items = [], LastEvaluatedKey } = await db
    .send(new QueryCommand({ TableName: tableName, ...query, Limit: limit, ExclusiveStartKey: decodeToken(nextToken) }))
    .catch((error: Error) => {
      // A token of another list (or made up) is a bad argument, not a fault: DynamoDB says ValidationException.
      if (nextToken && error.name === 'ValidationException') throw foreignToken();
      throw error;
    });
  return { items: Items.map((item) => record<T>(item)), nextToken: encodeToken(LastEvaluatedKey) };
}

/** Every page of a Query, one after another, until `stop` says enough (then true) or the list ends (false). */
export async function queryUntil(
  db: DynamoDBDocumentClient,
  tableName: string,
  query: ListQuery & { Select?: 'COUNT' },
  stop: (page: { Items?: Record<string, unknown>[]; Count?: number }) => boolean,
): Promise<boolean> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new QueryCommand({ TableName: tableName, ...query, ExclusiveStartKey }));
    if (stop(page)) return true;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return false;
}
