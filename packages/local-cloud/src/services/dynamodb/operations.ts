import { DYNAMODB_LOCAL_REGION, rewriteDynamoDbArns } from '../../emulators/dynamodbLocal';
import { AwsRefusal, forwardJson, jsonOperation, type Operation, type Permission, type SignedRequest } from '../../operations';
import { ACCOUNT_ID } from '../cloudformation/intrinsics';
import type { IamCatalog } from '../iam/catalog';

const TRANSACTION_ITEMS: Record<string, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
  Get: 'GetItem',
};

/** A PartiQL statement's verb and table: SELECT ... FROM "t"[."index"], INSERT INTO "t", UPDATE "t", DELETE FROM "t". */
function partiql(statement: unknown): { action: string; table: string; index?: string } {
  const text = String(statement ?? '').trim();
  const name = '"([^"]+)"|([A-Za-z0-9_.-]+)';
  const patterns: Array<[RegExp, string]> = [
    [new RegExp(String.raw`^SELECT\s[\s\S]*?\sFROM\s+(?:${name})(?:\."([^"]+)")?`, 'i'), 'PartiQLSelect'],
    [new RegExp(String.raw`^INSERT\s+INTO\s+(?:${name})`, 'i'), 'PartiQLInsert'],
    [new RegExp(String.raw`^UPDATE\s+(?:${name})`, 'i'), 'PartiQLUpdate'],
    [new RegExp(String.raw`^DELETE\s+FROM\s+(?:${name})`, 'i'), 'PartiQLDelete'],
  ];
  for (const [pattern, action] of patterns) {
    const match = pattern.exec(text);
    if (match) return { action, table: match[1] ?? match[2] ?? '', index: match[3] };
  }
  throw new AwsRefusal(400, 'ValidationException', `Statement wasn't well formed, can't be processed: ${text.slice(0, 80)}`);
}

/**
 * DynamoDB and DynamoDB Streams operations, as IAM authorizes them: the operation's own action on
 * the table (or index, or stream) it names; a transaction needs each item's action on its table, a
 * batch its action on every table, PartiQL the verb's action. An operation AWS does not have is
 * refused with DynamoDB's UnknownOperationException.
 */
export function dynamoDbOperation(request: SignedRequest, region: string, catalog: IamCatalog): Operation {
  const { prefix, name, input } = jsonOperation(request, ['DynamoDB_20120810', 'DynamoDBStreams_20120810']);
  const table = (tableName: unknown, index?: unknown) => {
    if (typeof tableName !== 'string' || !tableName)
      throw new AwsRefusal(
        400,
        'ValidationException',
        "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null",
      );
    // A table may be named by its ARN too.
    const base = tableName.startsWith('arn:') ? tableName : `arn:aws:dynamodb:${region}:${ACCOUNT_ID}:table/${tableName}`;
    return index ? `${base}/index/${String(index)}` : base;
  };
  const permission = (action: string, resource: string): Permission => ({ action: `dynamodb:${action}`, resource });
  let permissions: Permission[];
  if (name === 'TransactWriteItems' || name === 'TransactGetItems') {
    const items = input.TransactItems;
    if (!Array.isArray(items) || !items.length) throw new AwsRefusal(400, 'ValidationException', 'TransactItems must be a non-empty list');
    permissions = items.flatMap((item) => {
      const entries = Object.entries((item ?? {}) as Record<string, { TableName?: unknown }>);
      if (entries.length !== 1) throw new AwsRefusal(400, 'ValidationException', 'Each TransactItem must hold exactly one operation');
      return entries.map(([kind, operation]) => {
        const action = TRANSACTION_ITEMS[kind];
        if (!action || (name === 'TransactGetItems') !== (kind === 'Get'))
          throw new AwsRefusal(400, 'ValidationException', `${kind} is not an operation of ${name}`);
        return permission(action, table(operation?.TableName));
      });
    });
  } else if (name === 'BatchWriteItem' || name === 'BatchGetItem') {
    const tables = Object.keys((input.RequestItems as object | undefined) ?? {});
    if (!tables.length) throw new AwsRefusal(400, 'ValidationException', 'RequestItems must name at least one table');
    permissions = tables.map((tableName) => permission(name, table(tableName)));
  } else if (name === 'ExecuteStatement') {
    const { action, table: tableName, index } = partiql(input.Statement);
    permissions = [permission(action, table(tableName, index))];
  } else if (name === 'BatchExecuteStatement' || name === 'ExecuteTransaction') {
    const statements = (name === 'BatchExecuteStatement' ? input.Statements : input.TransactStatements) as Array<{ Statement?: unknown }> | undefined;
    permissions = (statements ?? []).map((entry) => {
      const { action, table: tableName, index } = partiql(entry.Statement);
      return permission(action, table(tableName, index));
    });
  } else {
    const action = catalog.action(`dynamodb:${name}`);
    if (!action) throw new AwsRefusal(400, 'UnknownOperationException', `Unknown operation: ${prefix}.${name}`);
    const resource =
      typeof input.StreamArn === 'string'
        ? input.StreamArn
        : typeof input.ShardIterator === 'string'
          ? streamOfIterator(input.ShardIterator)
          : typeof input.ResourceArn === 'string'
            ? input.ResourceArn
            : action.resourceTypes.length === 0
              ? '*'
              : table(input.TableName, input.IndexName);
    permissions = [permission(action.name.split(':')[1] ?? name, resource)];
  }
  // DynamoDB Local knows its ARNs by its own region name.
  return { name, permissions, forward: forwardJson(prefix, name, rewriteDynamoDbArns(input, region, DYNAMODB_LOCAL_REGION) as Record<string, unknown>) };
}

/**
 * GetRecords names no stream, only an iterator; DynamoDB's iterators carry their stream's ARN (both
 * AWS's and DynamoDB Local's begin with it), which is what IAM authorizes.
 */
function streamOfIterator(iterator: string): string {
  const arn = /arn:aws:dynamodb:[^:]+:\d{12}:table\/[^/|]+\/stream\/[^|]+?(?=\||$)/.exec(iterator)?.[0];
  if (!arn) throw new AwsRefusal(400, 'ValidationException', 'Invalid ShardIterator');
  return arn;
}
