import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type CloudContext, type FunctionRegistry, functionFromTarget, type LocalModule } from '../../context';
import { ACCOUNT_ID } from '../cloudformation/intrinsics';
import { parsePolicy } from '../iam/policy';
import { permissionStatement } from '../iam/templatePolicies';
import { handleLambdaApi, LAMBDA_OPERATIONS, lambdaOperation } from './api';
import { resumeAsyncInvocations } from './asyncInvoke';
import { unpackArtifact } from './code';
import { mayReportTo, onFailureDestination } from './destinations';
import { LocalFunction } from './runtime';
import { maskSecrets } from './secrets';

export { invokeAsync } from './asyncInvoke';

/**
 * Whether an AWS service (IoT, S3, EventBridge, API Gateway, SNS) may invoke a function for one of
 * its resources: the function's resource policy (its AWS::Lambda::Permission resources) decides, with
 * aws:SourceArn and aws:SourceAccount as the service sends them. A refusal is logged and listed at
 * /_local/denials, and the function is not invoked, as in AWS.
 */
export function serviceMayInvoke(context: CloudContext, service: string, fn: LocalFunction, source: { arn: string; account?: boolean }): boolean {
  const principal = { kind: 'service' as const, service };
  const permission = {
    action: 'lambda:InvokeFunction',
    resource: fn.config.arn,
    context: { 'aws:SourceArn': source.arn, ...(source.account === false ? {} : { 'aws:SourceAccount': ACCOUNT_ID }) },
  };
  const denied = context.iam.check(service, principal, [permission]);
  if (!denied) return true;
  context.log(`[${fn.config.name}] not invoked for ${source.arn}: ${denied.message} (add an AWS::Lambda::Permission for ${service})`);
  return false;
}

/** Every AWS::Lambda::Function of the templates, runnable locally, with its permissions and async settings, and the Lambda Invoke API. */
export function lambdaModule(options: { maxConcurrency?: number } = {}): LocalModule {
  let functions: FunctionRegistry | undefined;
  return {
    name: 'lambda',
    coverage: {
      service: 'AWS Lambda',
      by: 'the local cloud (Node.js workers)',
      operations: LAMBDA_OPERATIONS,
      eventSources: ['asynchronous invocations with retries, EventInvokeConfig and OnFailure destinations (SQS)'],
      notEmulated: [
        'creating or updating functions through the API (the templates make them)',
        'versions and aliases, layers, container images, runtimes other than Node.js',
        'reserved and provisioned concurrency',
      ],
    },
    needs: ['iam'],
    async start(context) {
      functions = context.functions;
      // Unauthenticated, like every /_local route: secret values are masked (GetFunctionConfiguration, signed and authorized, has them).
      context.endpoint.localApi('functions', () =>
        context.functions.all().map((fn) => ({
          service: fn.config.service,
          name: fn.config.name,
          handler: fn.config.handler,
          ...fn.stats,
          ...fn.activity(),
          environment: maskSecrets(fn.config.environment),
        })),
      );
      context.endpoint.route('lambda', {
        operations: LAMBDA_OPERATIONS,
        protocol: () => 'json',
        operation: (request) => lambdaOperation(request, context.region),
        accessDenied: { status: 403, code: 'AccessDeniedException' },
        handle: (request) => handleLambdaApi(context, request),
      });
    },
    creates: {
      'AWS::Lambda::Function': async ({ template, resolver, logicalId, properties: p }, context) => {
        const name = resolver.ref(logicalId);
        const roleArn = resolver.resolveString(p.Role);
        const role = context.iam.role(roleArn);
        // CreateFunction's own words when the role is missing or does not trust Lambda.
        if (!role || !context.iam.trusts(role, 'lambda.amazonaws.com'))
          throw new Error(
            `InvalidParameterValueException: The role defined for the function cannot be assumed by Lambda. (${roleArn} ${role ? 'does not trust lambda.amazonaws.com' : 'does not exist'})`,
          );
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
            roleArn,
            runtime: String(p.Runtime ?? ''),
            description: String(p.Description ?? ''),
            architectures: (p.Architectures as string[] | undefined) ?? ['x86_64'],
            templateVariables: variables,
            ...artifactFacts(zip),
            permissions: [],
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
        context.iam.nameCaller(accessKeyId, name, context.iam.session(role, name));
        context.functions.add(fn);
      },
      'AWS::Lambda::Permission': async ({ template, resolver, logicalId, properties: p }, context) => {
        const fn = context.functions.find(resolver.resolveString(p.FunctionName));
        if (!fn) throw new Error(`ResourceNotFoundException: Function not found: ${resolver.resolveString(p.FunctionName)}`);
        const statement = permissionStatement(resolver.resolve(p) as Record<string, unknown>, fn.config.arn);
        fn.config.permissions.push({ Sid: logicalId, ...statement });
        context.iam.addResourcePolicy(
          fn.config.arn,
          parsePolicy(
            { Version: '2012-10-17', Statement: [{ Sid: logicalId, ...statement }] },
            `function policy of ${fn.config.name} (${template.service} ${logicalId})`,
            {
              resourcePolicy: true,
            },
          ),
        );
      },
      'AWS::Lambda::EventInvokeConfig': async ({ template, resolver, properties: p }, context) => {
        const fn = functionFromTarget(context, template, p.FunctionName);
        const onFailure = onFailureDestination(resolver, p);
        // PutFunctionEventInvokeConfig checks that the function's role may send to the destination.
        if (onFailure && !mayReportTo(context, fn, onFailure))
          throw new Error(
            `InvalidParameterValueException: The destination ARN ${onFailure} is invalid. (the function's execution role may not sqs:SendMessage to it)`,
          );
        fn.config.asyncInvoke = { maximumRetryAttempts: Number(p.MaximumRetryAttempts ?? 2), onFailure };
      },
    },
    async started(context) {
      resumeAsyncInvocations(context);
    },
    async stop() {
      await Promise.all((functions?.all() ?? []).map((fn) => fn.stop()));
    },
  };
}

/** What Lambda says of a deployment package: its size, its SHA-256 (base64), when it was deployed. */
function artifactFacts(zip: string): { codeSize: number; codeSha256: string; lastModified: string } {
  const bytes = readFileSync(zip);
  return {
    codeSize: bytes.length,
    codeSha256: createHash('sha256').update(bytes).digest('base64'),
    lastModified: statSync(zip).mtime.toISOString().replace('Z', '+0000'),
  };
}

/** A real outside URL the local cloud answers with a stand-in becomes the stand-in's URL. */
function localUrl(context: CloudContext, value: string): string {
  const rewrite = context.urlRewrites.find(([origin]) => value.startsWith(origin));
  return rewrite ? rewrite[1] + value.slice(rewrite[0].length) : value;
}
