import type { AwsRequest } from './endpoint';
import { ACCOUNT_ID, type Resolver } from './intrinsics';
import type { ServiceTemplate } from './template';

export interface Statement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: string[];
}

export interface Permission {
  action: string;
  resource: string;
}

const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * The inline policies of a function's role, resolved to local ARNs (managed policies are not read).
 * Undefined when the role is not in the template (an existing role): such a function is not checked.
 */
export function roleStatements(template: ServiceTemplate, resolver: Resolver, roleLogicalId: string): Statement[] | undefined {
  const role = template.resources[roleLogicalId];
  if (role?.Type !== 'AWS::IAM::Role') return undefined;
  const resolve = (resource: unknown) => {
    try {
      return resolver.resolveString(resource);
    } catch {
      // A resource the local cloud cannot name matches nothing: the call is refused, and says why.
      return `<unresolved ${JSON.stringify(resource)}>`;
    }
  };
  const policies = (role?.Properties?.Policies as Array<{ PolicyDocument: { Statement: unknown } }> | undefined) ?? [];
  return policies.flatMap((policy) =>
    list(policy.PolicyDocument.Statement).map((raw) => {
      const statement = raw as { Effect: string; Action?: unknown; Resource?: unknown };
      return {
        effect: statement.Effect === 'Deny' ? 'Deny' : 'Allow',
        actions: list(statement.Action).map((action) => String(action).toLowerCase()),
        resources: list(statement.Resource).map(resolve),
      } satisfies Statement;
    }),
  );
}

function wildcard(pattern: string, value: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return regex.test(value);
}

/** IAM's rule: an explicit Deny wins, then any Allow whose action and resource match. */
export function isAllowed(statements: readonly Statement[], permission: Permission): boolean {
  const action = permission.action.toLowerCase();
  const matches = (statement: Statement) =>
    statement.actions.some((pattern) => wildcard(pattern, action)) && statement.resources.some((pattern) => wildcard(pattern, permission.resource));
  if (statements.some((statement) => statement.effect === 'Deny' && matches(statement))) return false;
  return statements.some((statement) => statement.effect === 'Allow' && matches(statement));
}

const json = (request: AwsRequest) => {
  try {
    return JSON.parse(request.body.toString() || '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
};

/**
 * The IAM actions and resources a request needs, as AWS authorizes them (a transaction needs each
 * item's action; a batch send needs SendMessage). Undefined: a request the local cloud does not check.
 */
export function permissionsFor(request: AwsRequest, region: string): Permission[] | undefined {
  const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${ACCOUNT_ID}:${resource}`;
  const table = (name: unknown, index?: unknown) => arn('dynamodb', `table/${String(name)}${index ? `/index/${String(index)}` : ''}`);
  switch (request.service) {
    case 'dynamodb': {
      const body = json(request);
      const action = request.action;
      if (action === 'TransactWriteItems' || action === 'TransactGetItems') {
        const names: Record<string, string> = {
          Put: 'PutItem',
          Update: 'UpdateItem',
          Delete: 'DeleteItem',
          ConditionCheck: 'ConditionCheckItem',
          Get: 'GetItem',
        };
        return (body.TransactItems as Array<Record<string, { TableName: string }>> | undefined)?.flatMap((item) =>
          Object.entries(item).map(([kind, operation]) => ({ action: `dynamodb:${names[kind] ?? kind}`, resource: table(operation.TableName) })),
        );
      }
      if (action === 'BatchWriteItem' || action === 'BatchGetItem') {
        return Object.keys((body.RequestItems as object | undefined) ?? {}).map((name) => ({ action: `dynamodb:${action}`, resource: table(name) }));
      }
      if (body.StreamArn) return [{ action: `dynamodb:${action}`, resource: String(body.StreamArn) }];
      if (body.TableName) return [{ action: `dynamodb:${action}`, resource: table(body.TableName, body.IndexName) }];
      return [{ action: `dynamodb:${action}`, resource: '*' }];
    }
    case 'sqs': {
      const body = json(request);
      const queue =
        String(body.QueueUrl ?? '')
          .split('/')
          .pop() ?? '';
      const action = request.action.replace(/Batch$/, '');
      return [{ action: `sqs:${action}`, resource: queue ? arn('sqs', queue) : '*' }];
    }
    case 'sns': {
      const form = new URLSearchParams(request.body.toString());
      const action = request.action === 'PublishBatch' ? 'Publish' : request.action;
      return [{ action: `sns:${action}`, resource: form.get('TopicArn') ?? '*' }];
    }
    case 'ses': {
      if (request.action !== 'SendEmail' && request.action !== 'SendRawEmail') return undefined;
      const from = /<([^>]+)>/.exec(String(json(request).FromEmailAddress ?? ''))?.[1] ?? String(json(request).FromEmailAddress ?? '');
      return [{ action: `ses:${request.action}`, resource: arn('ses', `identity/${from}`) }];
    }
    case 'states': {
      const body = json(request);
      return [{ action: `states:${request.action}`, resource: String(body.stateMachineArn ?? body.executionArn ?? '*') }];
    }
    case 'lambda': {
      const name = decodeURIComponent(/\/functions\/([^/]+)\//.exec(request.path)?.[1] ?? '');
      return [{ action: 'lambda:InvokeFunction', resource: name.startsWith('arn:') ? name : arn('lambda', `function:${name}`) }];
    }
    default:
      return undefined;
  }
}
