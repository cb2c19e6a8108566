import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { appSyncModule } from './appsync/module';
import { type CloudContext, FunctionRegistry, type LocalModule } from './context';
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
import { Resolver } from './intrinsics';
import { lambdaModule } from './lambda/module';
import { portsFrom } from './ports';
import { type LocalCloudState, stateFile } from './state';
import { stepFunctionsModule } from './stepfunctions/module';
import { loadTemplates } from './template';

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

/**
 * Starts one local AWS account: the emulators, every resource of every compiled template, the
 * functions and their event sources. Modules start in order and stop in reverse.
 */
export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const started = performance.now();
  const region = options.region ?? 'us-east-1';
  const ports = portsFrom(options.portBase ?? 4566);
  const templates = loadTemplates(options.root, options.services);
  const dataDir = options.persist ? join(options.root, '.local-cloud', 'dynamodb') : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const context: CloudContext = {
    root: options.root,
    region,
    ports,
    dataDir,
    templates,
    resolvers: new Map(templates.map((template) => [template.service, new Resolver(template, region)])),
    endpoint: new Endpoint(ports.endpoint, region),
    functions: new FunctionRegistry(),
    urls: {},
    urlRewrites: [],
    log: options.log ?? ((line) => console.log(line)),
  };
  await context.endpoint.start();
  context.urls.endpoint = context.endpoint.url;

  let objectCreated: ObjectCreated | undefined;
  const modules: LocalModule[] = [
    dynamoDbModule(),
    sesModule(),
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
    for (const module of modules) await module.prepare?.(context);
    // The emulators start side by side (Java takes longest); the rest needs what came before.
    const [dynamo, ses, ...rest] = modules as [LocalModule, LocalModule, ...LocalModule[]];
    const emulators = await Promise.allSettled([dynamo.start(context), ses.start(context)]);
    running.push(dynamo, ses);
    const failed = emulators.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    for (const module of rest) {
      running.push(module);
      await module.start(context);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const startedInMs = performance.now() - started;
  writeState(stateFile(options.root, ports.endpoint), { pid: process.pid, region, urls: context.urls, startedInMs, services: templates.map((t) => t.service) });
  return { context, startedInMs, stop };
}

function writeState(file: string, state: LocalCloudState): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
}
