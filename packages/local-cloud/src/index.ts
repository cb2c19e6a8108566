import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { appSyncModule } from './appsync/module';
import { CFN_LINT_MISSING, checksReport, checkTemplates, describeFinding } from './checks/index';
import { type CloudContext, FunctionRegistry, type LocalModule, templateResource } from './context';
import { creationOrder } from './dependencies';
import { cognitoModule } from './emulators/cognito';
import { messagingModule } from './emulators/messaging';
import { dynamoDbModule, sesModule } from './emulators/module';
import { type ObjectCreated, s3Module } from './emulators/s3';
import { sesReceivingModule } from './emulators/sesReceiving';
import { Endpoint } from './endpoint';
import { dynamoDbStreamsModule } from './events/dynamodbStreams';
import { httpApiModule } from './events/httpApi';
import { iotModule } from './events/iot';
import { schedulesModule } from './events/schedules';
import { sqsEventSourcesModule } from './events/sqs';
import { standInsModule } from './events/standIns';
import { AccessControl } from './iam/accessControl';
import { IamCatalog } from './iam/catalog';
import { iamModule } from './iam/module';
import { Resolver } from './intrinsics';
import { lambdaModule } from './lambda/module';
import { portsFrom } from './ports';
import { type LocalCloudState, stateFile } from './state';
import { stepFunctionsModule } from './stepfunctions/module';
import { loadTemplates, type ServiceTemplate } from './template';

export type { CloudContext, LocalModule, Ports } from './context';
export { type AwsRequest, awsError, type Fault } from './endpoint';
export { topicMatches } from './events/iot';
export type { FailedBatchRecord, FailedInvocationRecord } from './events/onFailure';
export { Resolver } from './intrinsics';
export { reportLine } from './lambda/runtime';
export { portsFrom } from './ports';
export { type LocalCloudState, readState, stateFile } from './state';

export interface LocalCloudOptions {
  root: string;
  portBase?: number;
  region?: string;
  /** Keep DynamoDB data in .local-cloud/dynamodb between runs. */
  persist?: boolean;
  services?: string[];
  log?: (line: string) => void;
}

export interface LocalCloud {
  context: CloudContext;
  startedInMs: number;
  stop(): Promise<void>;
}

/** Resource types the local cloud leaves to AWS, each with why that changes nothing locally. */
const NOT_CREATED: Record<string, string> = {
  'AWS::Logs::LogGroup': "functions log to the local cloud's output",
};

/** The AWS services whose IAM actions the local cloud's operations map to (their part of the catalog is loaded). */
const SERVED_SERVICES = ['dynamodb', 's3', 'sqs', 'sns', 'ses', 'lambda', 'states', 'cognito-idp', 'iot', 'sts', 'logs', 'events', 'execute-api', 'appsync'];

/**
 * Starts one local AWS account: the template checks (a service whose template fails them is not
 * started), the emulators, then every resource of every compiled template in the order
 * CloudFormation creates them, each validated as AWS validates it at creation. A resource that fails
 * stops the start with CloudFormation's CREATE_FAILED and AWS's reason. Modules stop in reverse.
 */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const started = performance.now();
  const region = options.region ?? 'us-east-1';
  const log = options.log ?? ((line: string) => console.log(line));
  const ports = portsFrom(options.portBase ?? 4566);
  const checked = await checkTemplates(options.root, loadTemplates(options.root, options.services));
  const refused: Record<string, string[]> = {};
  for (const [service, findings] of checked.findings) if (findings.length) refused[service] = findings.map(describeFinding);
  if (Object.keys(refused).length) {
    for (const line of checksReport(checked)) log(line);
    log(`NOT STARTED: ${Object.keys(refused).join(', ')}: their templates fail the checks a deploy would fail (fix them, then npm run package)`);
  }
  if (!checked.cfnLint) {
    if (process.env.CI === 'true') throw new Error(`${CFN_LINT_MISSING} (CI=true: the check is required)`);
    log(`\u001b[1;33m!!! ${CFN_LINT_MISSING}\u001b[0m`);
  }
  const templates = loadTemplates(options.root, options.services).filter((template) => !refused[template.service]);
  const dataDir = options.persist ? join(options.root, '.local-cloud', 'dynamodb') : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const iam = new AccessControl(region);
  const context: CloudContext = {
    root: options.root,
    region,
    ports,
    dataDir,
    templates,
    resolvers: new Map(templates.map((template) => [template.service, new Resolver(template, region)])),
    endpoint: new Endpoint(ports.endpoint, iam),
    iam,
    catalog: await new IamCatalog().load(SERVED_SERVICES),
    functions: new FunctionRegistry(),
    urls: {},
    urlRewrites: [],
    log,
  };
  await context.endpoint.start();
  context.urls.endpoint = context.endpoint.url;

  let objectCreated: ObjectCreated | undefined;
  const modules: LocalModule[] = [
    dynamoDbModule(),
    sesModule(),
    iamModule(),
    standInsModule(),
    cognitoModule(),
    lambdaModule(),
    messagingModule(),
    s3Module((notify) => {
      objectCreated = notify;
    }),
    sesReceivingModule(() => objectCreated),
    httpApiModule(),
    appSyncModule(),
    stepFunctionsModule(),
    iotModule(),
    dynamoDbStreamsModule(),
    sqsEventSourcesModule(),
    schedulesModule(),
  ];
  const running: LocalModule[] = [];
  const stop = async () => {
    for (const module of running.reverse()) await module.stop?.();
    await context.endpoint.stop();
    rmSync(stateFile(options.root, ports.endpoint), { force: true });
  };
  try {
    // The emulators start side by side (Java takes longest); the rest needs what came before.
    const [dynamo, ses, ...rest] = modules as [LocalModule, LocalModule, ...LocalModule[]];
    const emulators = await Promise.allSettled([dynamo.start?.(context), ses.start?.(context)]);
    running.push(dynamo, ses);
    const failed = emulators.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    for (const module of rest) {
      running.push(module);
      await module.start?.(context);
    }
    for (const template of templates) await createStack(context, modules, template);
    for (const module of modules) await module.started?.(context);
  } catch (error) {
    await stop();
    throw error;
  }

  const startedInMs = performance.now() - started;
  writeState(stateFile(options.root, ports.endpoint), {
    pid: process.pid,
    region,
    urls: context.urls,
    startedInMs,
    services: templates.map((t) => t.service),
    refused,
  });
  return { context, startedInMs, stop };
}

/** One service's resources, in CloudFormation's order, each by the module that creates its type. */
async function createStack(context: CloudContext, modules: LocalModule[], template: ServiceTemplate): Promise<void> {
  for (const logicalId of creationOrder(template.resources)) {
    const type = template.resources[logicalId]?.Type ?? '';
    if (NOT_CREATED[type]) continue;
    const creators = modules.flatMap((module) => (module.creates?.[type] ? [module.creates[type]] : []));
    if (!creators.length) throw new Error(`${template.service}: the local cloud cannot create ${logicalId} (${type}): no module emulates ${type}`);
    try {
      let created = false;
      for (const create of creators) {
        if ((await create(templateResource(context, template, logicalId), context)) !== 'not-mine') {
          created = true;
          break;
        }
      }
      if (!created) throw new Error(`no module emulates this kind of ${type}`);
    } catch (error) {
      // CloudFormation's words for a resource its handler refused, then AWS's reason.
      throw new Error(`${template.service}: CREATE_FAILED ${logicalId} (${type}): ${(error as Error).message}`);
    }
  }
  const resolver = context.resolvers.get(template.service);
  // Outputs must resolve to strings, as CloudFormation requires (two outputs merged into one do not).
  for (const [name, output] of Object.entries(template.outputs)) {
    try {
      resolver?.resolveString(output.Value);
    } catch (error) {
      throw new Error(`${template.service}: Template format error: Output ${name}: ${(error as Error).message}`);
    }
  }
}

function writeState(file: string, state: LocalCloudState): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
}
