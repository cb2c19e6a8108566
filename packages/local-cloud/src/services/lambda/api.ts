import type { CloudContext } from '../../context';
import type { AwsRequest } from '../../endpoint';
import { LIMITS } from '../../limits';
import { AwsRefusal, type AwsResponse, type Operation, type SignedRequest } from '../../operations';
import { ACCOUNT_ID } from '../cloudformation/intrinsics';
import { invokeAsync } from './module';
import type { InvokeResult, LocalFunction } from './runtime';

/** "my-function", "123456789012:function:my-function" or a full ARN, with an optional :qualifier, as Lambda takes them. */
export function functionArnOf(name: string, region: string): string {
  if (name.startsWith('arn:')) return name;
  if (/^\d{12}:function:/.test(name)) return `arn:aws:lambda:${region}:${name}`;
  return `arn:aws:lambda:${region}:${ACCOUNT_ID}:function:${name}`;
}

/** The Lambda API's operations the local cloud answers, by method and path, with the IAM action of each. */
const ROUTES: Array<{ method: string; path: RegExp; name: string; action: string; onFunction: boolean }> = [
  { method: 'POST', path: /^\/2015-03-31\/functions\/([^/]+)\/invocations$/, name: 'Invoke', action: 'lambda:InvokeFunction', onFunction: true },
  { method: 'GET', path: /^\/2015-03-31\/functions\/?$/, name: 'ListFunctions', action: 'lambda:ListFunctions', onFunction: false },
  { method: 'GET', path: /^\/2015-03-31\/functions\/([^/]+)\/?$/, name: 'GetFunction', action: 'lambda:GetFunction', onFunction: true },
  {
    method: 'GET',
    path: /^\/2015-03-31\/functions\/([^/]+)\/configuration\/?$/,
    name: 'GetFunctionConfiguration',
    action: 'lambda:GetFunctionConfiguration',
    onFunction: true,
  },
  { method: 'GET', path: /^\/2015-03-31\/functions\/([^/]+)\/policy\/?$/, name: 'GetPolicy', action: 'lambda:GetPolicy', onFunction: true },
];

/** The Lambda API operations the local cloud answers. */
export const LAMBDA_OPERATIONS = ROUTES.map((route) => route.name);

/** The one Lambda API operation a request asks for, authorized on the function it names (qualified when it says so). */
export function lambdaOperation(request: SignedRequest, region: string): Operation {
  const route = ROUTES.find((candidate) => candidate.method === request.method && candidate.path.test(request.path));
  if (!route) throw new AwsRefusal(400, 'UnknownOperationException', `The local Lambda API does not answer ${request.method} ${request.path}`);
  if (!route.onFunction) return { name: route.name, permissions: [{ action: route.action, resource: '*' }] };
  const qualifier = request.query.get('Qualifier');
  const arn = functionArnOf(decodeURIComponent(route.path.exec(request.path)?.[1] ?? ''), region);
  return { name: route.name, permissions: [{ action: route.action, resource: qualifier ? `${arn}:${qualifier}` : arn }] };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): AwsResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** A function as GetFunctionConfiguration describes it: what the template declared, and its deployed code. */
function configuration(fn: LocalFunction) {
  const c = fn.config;
  return {
    FunctionName: c.name,
    FunctionArn: c.arn,
    Runtime: c.runtime,
    Role: c.roleArn,
    Handler: c.handler,
    CodeSize: c.codeSize,
    CodeSha256: c.codeSha256,
    Description: c.description,
    Timeout: c.timeoutSeconds,
    MemorySize: c.memoryMb,
    LastModified: c.lastModified,
    Version: '$LATEST',
    Environment: { Variables: c.templateVariables },
    Architectures: c.architectures,
    PackageType: 'Zip',
    State: 'Active',
    LastUpdateStatus: 'Successful',
    EphemeralStorage: { Size: 512 },
    TracingConfig: { Mode: 'PassThrough' },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${c.name}` },
  };
}

/** Answers the operation the request was parsed into (see lambdaOperation). */
export async function handleLambdaApi(context: CloudContext, request: AwsRequest): Promise<AwsResponse> {
  if (request.action === 'ListFunctions') {
    return json(200, { Functions: context.functions.all().map(configuration) });
  }
  const name = decodeURIComponent(/^\/2015-03-31\/functions\/([^/]+)/.exec(request.path)?.[1] ?? '');
  const fn = context.functions.find(name);
  if (!fn) throw new AwsRefusal(404, 'ResourceNotFoundException', `Function not found: ${functionArnOf(name, context.region)}`);
  switch (request.action) {
    case 'GetFunctionConfiguration':
      return json(200, configuration(fn));
    case 'GetFunction':
      return json(200, {
        Configuration: configuration(fn),
        Code: { RepositoryType: 'S3', Location: `file://${fn.config.codeDir}` },
      });
    case 'GetPolicy': {
      if (!fn.config.permissions.length) throw new AwsRefusal(404, 'ResourceNotFoundException', 'The resource you requested does not exist.');
      const policy = { Version: '2012-10-17', Id: 'default', Statement: fn.config.permissions };
      return json(200, { Policy: JSON.stringify(policy), RevisionId: '00000000-0000-0000-0000-000000000000' });
    }
    default:
      return invoke(context, fn, request);
  }
}

/** Invoke: synchronously, asynchronously (Event) or not at all (DryRun); a payload that is not JSON is refused as Lambda refuses it. */
async function invoke(context: CloudContext, fn: LocalFunction, request: AwsRequest): Promise<AwsResponse> {
  const type = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
  const limit = type === 'Event' ? LIMITS.lambdaAsyncPayload : LIMITS.lambdaSyncPayload;
  if (request.body.length > limit)
    throw new AwsRefusal(413, 'RequestEntityTooLargeException', `Request must be smaller than ${limit} bytes for the InvokeFunction operation`);
  let event: unknown = {};
  if (request.body.length) {
    try {
      event = JSON.parse(request.body.toString('utf8'));
    } catch (error) {
      throw new AwsRefusal(400, 'InvalidRequestContentException', `Could not parse request body into json: ${(error as Error).message}`);
    }
  }
  if (type === 'DryRun') return { status: 204 };
  if (type === 'Event') {
    void invokeAsync(context, fn, event, 'lambda:Invoke');
    return { status: 202 };
  }
  if (type !== 'RequestResponse') throw new AwsRefusal(400, 'InvalidParameterValueException', `Invalid InvocationType: ${type}`);
  const result = await fn.invoke(event);
  return invocationResponse(result, request.headers['x-amz-log-type'] === 'Tail');
}

/** Lambda's answer to a synchronous invoke: 200 either way, X-Amz-Function-Error on a function error, and the log's last 4 KB when asked. */
function invocationResponse(result: InvokeResult, tail: boolean): AwsResponse {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST', 'x-amzn-requestid': result.requestId };
  if (tail) headers['x-amz-log-result'] = Buffer.from(result.log).subarray(-4096).toString('base64');
  if (result.ok) return json(200, result.result ?? null, headers);
  return json(200, result.error, { ...headers, 'x-amz-function-error': 'Unhandled' });
}
