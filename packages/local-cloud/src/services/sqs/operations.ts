import { AwsRefusal, forwardJson, jsonOperation, type Operation, queryParameters, type SignedRequest } from '../../operations';
import { ACCOUNT_ID } from '../cloudformation/intrinsics';
import type { IamCatalog } from '../iam/catalog';

/** A batch operation is authorized as its single form (SendMessageBatch needs sqs:SendMessage). */
const SQS_BATCH = /^(SendMessage|DeleteMessage|ChangeMessageVisibility)Batch$/;

/** The ARN of the queue a URL names (…/<account>/<name>, on any host). */
function queueArnOfUrl(url: string, region: string): string {
  const [account, name] = url.replace(/\/+$/, '').split('/').slice(-2);
  if (!account || !name || !/^\d{12}$/.test(account)) throw new AwsRefusal(400, 'InvalidAddress', `The address ${url} is not valid for this endpoint.`);
  return `arn:aws:sqs:${region}:${account}:${name}`;
}

/**
 * SQS operations over both of its protocols, JSON (X-Amz-Target AmazonSQS.<Operation>) and query
 * (Action=<Operation>), authorized on the queue the request names (its URL, or its name).
 */
export function sqsOperation(request: SignedRequest, region: string, catalog: IamCatalog): Operation {
  const json = request.headers['x-amz-target'] !== undefined;
  let name: string;
  let input: Record<string, unknown>;
  let forward: Operation['forward'];
  if (json) {
    const parsed = jsonOperation(request, ['AmazonSQS']);
    ({ name, input } = parsed);
    forward = forwardJson(parsed.prefix, name, input);
  } else {
    const parameters = queryParameters(request);
    name = parameters.get('Action') ?? '';
    input = Object.fromEntries(parameters);
    // The query protocol may post to the queue's own URL.
    if (!input.QueueUrl && /^\/\d{12}\/[^/]+$/.test(request.path)) input.QueueUrl = request.path;
  }
  const action = catalog.action(`sqs:${name.replace(SQS_BATCH, '$1')}`);
  if (!name || !action)
    throw new AwsRefusal(400, json ? 'UnknownOperationException' : 'InvalidAction', `The action ${name || '(none)'} is not valid for this endpoint.`);
  let resource = '*';
  if (action.resourceTypes.length) {
    if (typeof input.QueueUrl === 'string') resource = queueArnOfUrl(input.QueueUrl, region);
    else if (typeof input.QueueName === 'string') resource = `arn:aws:sqs:${region}:${String(input.QueueOwnerAWSAccountId ?? ACCOUNT_ID)}:${input.QueueName}`;
    else throw new AwsRefusal(400, 'MissingParameter', `${name} needs a QueueUrl`);
  }
  return { name, permissions: [{ action: action.name, resource }], forward };
}
