import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CFN_LINT_MISSING, checksReport, checkTemplates, describeFinding, type TemplateChecks } from './checks/index';
import { type CloudContext, FunctionRegistry, type LocalModule } from './context';
import { Endpoint } from './endpoint';
import { portsFrom } from './ports';
import { localModules } from './registry';
import { Resolver } from './services/cloudformation/intrinsics';
import { createStack } from './services/cloudformation/stacks';
import { loadTemplates } from './services/cloudformation/template';
import { AccessControl } from './services/iam/accessControl';
import { IamCatalog } from './services/iam/catalog';
import { type LocalCloudState, stateFile } from './state';

export type { CloudContext, LocalModule, Ports } from './context';
export { type AwsRequest, awsError, type Fault } from './endpoint';
export { portsFrom } from './ports';
export { Resolver } from './services/cloudformation/intrinsics';
export { topicMatches } from './services/iot/module';
export type { FailedBatchRecord, FailedInvocationRecord } from './services/lambda/destinations';
export { reportLine } from './services/lambda/runtime';
export { type LocalCloudState, readState, stateFile } from './state';

export interface LocalCloudOptions {
  root: string;
  portBase?: number;
  region?: string;
  /** Keep the account between runs (tables, objects, queues, inbox, executions...), in persistDir. */
  persist?: boolean;
  /** Where --persist keeps it: <root>/.local-cloud unless given. */
  persistDir?: string;
  services?: string[];
  log?: (line: string) => void;
}

export interface LocalCloud {
  context: CloudContext;
  startedInMs: number;
  stop(): Promise<void>;
}

/** The AWS services whose IAM actions the local cloud's operations map to (their part of the catalog is loaded). */
const SERVED_SERVICES = [
  'dynamodb',
  's3',
  'sqs',
  'sns',
  'ses',
  'lambda',
  'states',
  'cognito-idp',
  'iot',
  'sts',
  'logs',
  'events',
  'execute-api',
  'appsync',
  'cloudformation',
];

/** The services whose templates fail the checks a deploy would fail, with their findings (logged): they are not started. */
function refusedServices(checked: TemplateChecks, log: (line: string) => void): Record<string, string[]> {
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
  return refused;
}

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
  const loaded = loadTemplates(options.root, options.services);
  // The checks (cfn-lint is a Python start of ~1 s) run while the emulators start: those need only
  // to know whether any template has a table or a user pool; no resource is made before the checks.
  const checking = checkTemplates(options.root, loaded);
  // Handled where it is awaited, below; until then a failure must not count as unhandled.
  checking.catch(() => undefined);
  const persistDir = options.persist || options.persistDir ? (options.persistDir ?? join(options.root, '.local-cloud')) : undefined;
  if (persistDir) mkdirSync(persistDir, { recursive: true });
  const iam = new AccessControl(region);
  const context: CloudContext = {
    root: options.root,
    region,
    ports,
    persistDir,
    templates: loaded,
    resolvers: new Map(loaded.map((template) => [template.service, new Resolver(template, region)])),
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

  const modules = localModules();
  const running: LocalModule[] = [];
  const stop = async () => {
    for (const module of running.reverse()) await module.stop?.();
    await context.endpoint.stop();
    rmSync(stateFile(options.root, ports.endpoint), { force: true });
  };
  let refused: Record<string, string[]> = {};
  try {
    // The emulators start side by side (DynamoDB Local's Java takes longest); the rest in order.
    const emulators = modules.filter((module) => module.emulator);
    running.push(...emulators);
    const [checked, ...results] = await Promise.allSettled([checking, ...emulators.map((module) => module.start?.(context))]);
    const failed = [checked, ...results].find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    refused = refusedServices((checked as PromiseFulfilledResult<TemplateChecks>).value, log);
    context.templates = loaded.filter((template) => !refused[template.service]);
    for (const service of Object.keys(refused)) context.resolvers.delete(service);
    for (const module of modules.filter((candidate) => !candidate.emulator)) {
      running.push(module);
      await module.start?.(context);
    }
    for (const template of context.templates) await createStack(context, modules, template);
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
    services: context.templates.map((t) => t.service),
    refused,
  });
  return { context, startedInMs, stop };
}

function writeState(file: string, state: LocalCloudState): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`);
}
