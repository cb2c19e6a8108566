import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CloudContext, functionFromTarget, type LocalModule, physicalName, resourcesAcross } from '../context';
import { awsError } from '../endpoint';
import { failedInvocationRecord, onFailureDestination, sendToOnFailureDestination } from '../events/onFailure';
import { roleStatements } from '../iam';
import { ACCOUNT_ID } from '../intrinsics';
import { unpackArtifact } from './code';
import { type InvokeResult, LocalFunction } from './runtime';

/** Every AWS::Lambda::Function of the templates, runnable locally, and the Lambda Invoke API. */
export function lambdaModule(options: { maxConcurrency?: number } = {}): LocalModule {
  let functions: LocalFunction[] = [];
  return {
    name: 'lambda',
    async prepare(context) {
      for (const resource of resourcesAcross(context, 'AWS::Lambda::Function')) {
        const name = physicalName(resource, resource.properties.FunctionName);
        resource.resolver.register(resource.logicalId, { ref: name, attributes: { Arn: `arn:aws:lambda:${context.region}:${ACCOUNT_ID}:function:${name}` } });
      }
    },
    async start(context) {
      for (const { template, resolver, logicalId, properties: p } of resourcesAcross(context, 'AWS::Lambda::Function')) {
        const name = resolver.ref(logicalId);
        // Each function signs with its own key, so the endpoint can tell functions apart.
        const accessKeyId = `LOCAL${name.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`.slice(0, 128);
        const variables = resolver.resolve((p.Environment as { Variables?: unknown } | undefined)?.Variables ?? {}) as Record<string, string>;
        const memoryMb = Number(p.MemorySize ?? 128);
        const zip = join(template.artifactsDir, basename(String((p.Code as { S3Key?: string }).S3Key ?? `${logicalId}.zip`)));
        const fn = new LocalFunction(
          {
            service: template.service,
            logicalId,
            name,
            arn: resolver.getAtt(logicalId, 'Arn'),
            handler: String(p.Handler),
            codeDir: unpackArtifact(zip, join(context.root, '.local-cloud', 'code', template.service, logicalId)),
            timeoutSeconds: Number(p.Timeout ?? 3),
            memoryMb,
            environment: {
              ...Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, localUrl(context, String(value))])),
              AWS_REGION: context.region,
              AWS_DEFAULT_REGION: context.region,
              AWS_ENDPOINT_URL: context.endpoint.url,
              AWS_ACCESS_KEY_ID: accessKeyId,
              AWS_SECRET_ACCESS_KEY: 'local',
              AWS_LAMBDA_FUNCTION_NAME: name,
              AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
              AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
              AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
              TZ: 'UTC',
            },
          },
          context.log,
          options.maxConcurrency,
        );
        context.endpoint.nameCaller(
          fn.config.environment.AWS_ACCESS_KEY_ID ?? '',
          name,
          roleStatements(template, resolver, (p.Role as { 'Fn::GetAtt'?: [string] } | undefined)?.['Fn::GetAtt']?.[0] ?? ''),
        );
        context.functions.add(fn);
      }
      for (const { template, resolver, properties: p } of resourcesAcross(context, 'AWS::Lambda::EventInvokeConfig')) {
        const fn = functionFromTarget(context, template, p.FunctionName);
        fn.config.asyncInvoke = {
          maximumRetryAttempts: Number(p.MaximumRetryAttempts ?? 2),
          onFailure: onFailureDestination(resolver, p),
        };
      }
      functions = context.functions.all();
      // Tests load a handler in process with exactly the environment the template gives it.
      context.endpoint.localApi('functions', () =>
        functions.map(({ config, stats }) => ({
          service: config.service,
          name: config.name,
          handler: config.handler,
          ...stats,
          environment: config.environment,
        })),
      );
      context.endpoint.route('lambda', {
        action: (request) => (/\/functions\/[^/]+\/invocations$/.test(request.path) ? 'Invoke' : `${request.method} ${request.path}`),
        handle: async (request) => {
          const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(request.path);
          if (!match || request.method !== 'POST')
            return awsError(400, 'UnsupportedOperation', `The local Lambda API supports Invoke only, not ${request.method} ${request.path}`);
          const fn = context.functions.find(decodeURIComponent(match[1] ?? ''));
          if (!fn) return awsError(404, 'ResourceNotFoundException', `Function not found: ${decodeURIComponent(match[1] ?? '')}`);
          const event = request.body.length ? (JSON.parse(request.body.toString()) as unknown) : {};
          const type = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
          if (type === 'DryRun') return { status: 204 };
          if (type === 'Event') {
            void invokeAsync(context, fn, event, 'lambda:Invoke');
            return { status: 202 };
          }
          return invocationResponse(await fn.invoke(event));
        },
      });
    },
    async stop() {
      await Promise.all(functions.map((fn) => fn.stop()));
    },
  };
}

/** A real outside URL the local cloud answers with a stand-in becomes the stand-in's URL. */
function localUrl(context: CloudContext, value: string): string {
  const rewrite = context.urlRewrites.find(([origin]) => value.startsWith(origin));
  return rewrite ? rewrite[1] + value.slice(rewrite[0].length) : value;
}

function invocationResponse(result: InvokeResult): { status: number; headers: Record<string, string>; body: string } {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST', 'x-amzn-requestid': result.requestId };
  if (result.ok) return { status: 200, headers, body: JSON.stringify(result.result ?? null) };
  return { status: 200, headers: { ...headers, 'x-amz-function-error': 'Unhandled' }, body: JSON.stringify(result.error) };
}

/** Delays before the retries of an asynchronous invocation (AWS waits about 1 and 2 minutes). */
const ASYNC_RETRY_DELAYS_MS = [1_000, 2_000];

/**
 * An asynchronous invocation as Lambda makes it for IoT, S3, SNS, schedules or InvocationType=Event:
 * two retries after a failure (or the EventInvokeConfig's MaximumRetryAttempts), then the event goes
 * to the on-failure destination if there is one, and is logged in full either way, so nothing
 * vanishes without a trace.
 */
export async function invokeAsync(context: CloudContext, fn: LocalFunction, event: unknown, source: string): Promise<InvokeResult> {
  const retries = ASYNC_RETRY_DELAYS_MS.slice(0, fn.config.asyncInvoke?.maximumRetryAttempts ?? ASYNC_RETRY_DELAYS_MS.length);
  let result = await fn.invoke(event);
  for (const delay of retries) {
    if (result.ok) return result;
    context.log(
      `[${fn.config.name}] async invocation from ${source} failed (${result.error.errorType}: ${result.error.errorMessage}); retrying in ${delay} ms`,
    );
    await sleep(delay);
    result = await fn.invoke(event);
  }
  if (result.ok) return result;
  const onFailure = fn.config.asyncInvoke?.onFailure;
  context.log(
    `[${fn.config.name}] async invocation from ${source} failed ${retries.length + 1} time(s)${onFailure ? `; reporting it to ${onFailure}` : ' and has no on-failure destination'}; event: ${JSON.stringify(event)}`,
  );
  if (onFailure) {
    const record = failedInvocationRecord({
      requestId: result.requestId,
      functionArn: fn.config.arn,
      invocations: retries.length + 1,
      event,
      error: result.error,
    });
    await sendToOnFailureDestination(context, onFailure, record).catch((error: Error) =>
      context.log(`[${fn.config.name}] could not report the failed invocation to ${onFailure}: ${error.message}; ${JSON.stringify(record)}`),
    );
  }
  return result;
}
