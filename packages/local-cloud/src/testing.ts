// Helpers for tests that run against a local cloud: its URLs, the inbox, faults, function settings.

import { setTimeout as sleep } from 'node:timers/promises';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { callJsonApi } from './awsCall';
import { type Denial, type Fault, localCloudClient } from './client';
import { httpApiEvent } from './services/apigateway/httpApiEvent';
import { identityOf } from './services/appsync/auth';
import { resolverEvent } from './services/appsync/resolverEvent';
import { streamRecord } from './services/dynamodb/streamRecord';
import { scheduledEvent } from './services/events/scheduledEvent';
import { MASKED } from './services/lambda/secrets';
import { objectCreatedEvent } from './services/s3/objectCreatedEvent';

export type { Denial } from './client';
export { type SesDelivery, sesStoredCopy } from './services/ses/storedCopy';

export const TEST_PORT_BASE = 14566;

/**
 * The events the local cloud sends functions, for handlers tested in process. `scheduled`, `httpApi`,
 * `appsyncResolver` and `s3ObjectCreated` are the builders its EventBridge, HTTP API, AppSync and S3
 * modules send with, so an in-process test gets what the deployed function gets. Stream records come
 * from DynamoDB Local itself; `streamRecord` makes one of the same shape from plain items.
 */
export const events = { scheduled: scheduledEvent, s3ObjectCreated: objectCreatedEvent, streamRecord, httpApi: httpApiEvent, appsyncResolver: resolverEvent };

/**
 * The identity AppSync gives a resolver for a Cognito token the test holds (signed by the local
 * Cognito): its claims, read as AppSync's verifier reads them once the signature holds.
 */
export function identityFromToken(token: string) {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return identityOf(payload, { issuer: String(payload.iss ?? ''), sourceIp: '127.0.0.1', defaultAction: 'ALLOW' });
}

/** The URLs of the local cloud the test run started (see the Jest global setup). */
export function testCloud() {
  const endpoint = process.env.LOCAL_CLOUD_ENDPOINT;
  const inbox = process.env.LOCAL_CLOUD_INBOX;
  if (!endpoint || !inbox) throw new Error('No local cloud for this test: run it through "npm test", whose Jest setup starts one');
  const urls = JSON.parse(process.env.LOCAL_CLOUD_URLS ?? '{}') as Record<string, string>;
  return { endpoint, inbox, urls, httpApi: (service: string) => process.env[`LOCAL_CLOUD_HTTP_${service.replace(/-/g, '_').toUpperCase()}`] ?? '' };
}

/** The typed client of the tests' local cloud (its /_local routes). */
export const local = () => localCloudClient(testCloud().endpoint);

export interface InboxEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

/** Every email the local SES accepted so far. */
export async function inbox(): Promise<InboxEmail[]> {
  const response = await fetch(`${testCloud().inbox}/store`);
  return ((await response.json()) as { emails: InboxEmail[] }).emails;
}

export async function emailsTo(address: string): Promise<InboxEmail[]> {
  return (await inbox()).filter((email) => [...email.destination.to, ...email.destination.cc, ...email.destination.bcc].includes(address));
}

/** Waits until `address` has at least `count` emails; returns them all. */
export async function waitForEmails(address: string, count = 1, timeoutMs = 10_000): Promise<InboxEmail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const emails = await emailsTo(address);
    if (emails.length >= count || Date.now() > deadline) return emails;
    await sleep(50);
  }
}

/** Opens the link in the SNS subscription confirmation email to `address`, as its recipient would. */
export async function confirmSubscription(address: string, topicArn?: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const links = (await emailsTo(address))
      .filter((email) => email.subject === 'AWS Notification - Subscription Confirmation')
      .map((email) => /(http:\/\/\S+\/_local\/sns\/confirm\?\S+)/.exec(email.body.text ?? '')?.[1] ?? '')
      .filter((link) => link && (!topicArn || new URL(link).searchParams.get('TopicArn') === topicArn));
    if (links.length) {
      for (const link of links) {
        const response = await fetch(link);
        if (!response.ok) throw new Error(`confirming ${address}: ${response.status} ${await response.text()}`);
      }
      return;
    }
    if (Date.now() > deadline) throw new Error(`no SNS subscription confirmation email reached ${address}`);
    await sleep(50);
  }
}

/** The next `count` calls matching the fault fail with its error (see Endpoint). */
export async function injectFault(fault: Partial<Fault> & { service: string }): Promise<void> {
  await local().injectFault(fault);
}

/** Injected faults not used up yet whose match contains `text`. */
export async function pendingFaults(text: string): Promise<Fault[]> {
  return (await local().faults()).filter((fault) => fault.match?.includes(text));
}

/** Steers the local stand-in of an outside API (see the stand-ins module): reset, rows, faults. */
export function standIn(origin: string) {
  const url = testCloud().urls[`stand-in ${origin}`];
  if (!url) throw new Error(`The local cloud has no stand-in for ${origin}`);
  const admin = url.replace(/\/([^/]+)$/, '/__stand-in/$1');
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${admin}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) throw new Error(`stand-in ${method} ${path}: ${response.status} ${await response.text()}`);
  };
  return {
    reset: () => call('DELETE', ''),
    setRows: (dataset: string, rows: unknown[]) => call('PUT', `/datasets/${dataset}`, rows),
    fault: (fault: { status?: number; delayMs?: number; body?: string; count?: number }) => call('POST', '/faults', fault),
  };
}

/** Fires a scheduled rule now, as `npm run local-cloud -- fire <rule>` does. */
export async function fireSchedule(rule: string): Promise<void> {
  await local().fireSchedule(rule);
}

/** Sets process.env to what the template gives a function, so its handler can be imported in process. */
export async function useFunctionEnvironment(functionName: string): Promise<void> {
  const fn = (await local().functions()).find((candidate) => candidate.name === functionName);
  if (!fn) throw new Error(`The local cloud runs no function ${functionName}`);
  const { AWS_ACCESS_KEY_ID: _key, AWS_LAMBDA_FUNCTION_NAME: _name, ...environment } = fn.environment;
  // /_local masks secrets; the Lambda API gives them to a signed, authorized caller, as AWS does.
  const masked = Object.keys(environment).filter((name) => environment[name] === MASKED);
  if (masked.length) {
    const lambda = new LambdaClient({
      endpoint: testCloud().endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'jestintegration', secretAccessKey: 'local' },
    });
    const { Environment } = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    lambda.destroy();
    for (const name of masked) environment[name] = Environment?.Variables?.[name] ?? '';
  }
  Object.assign(process.env, environment, { AWS_ACCESS_KEY_ID: 'jestintegration', AWS_SECRET_ACCESS_KEY: 'local' });
}

/** Probes until `done` holds or the time is up; returns the last value either way, for the test to assert on. */
export async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(100);
  }
}

/** The reports on an on-failure queue, as soon as there are any (a batch or an event that ran out of retries). */
export async function failureReports<T>(queueName: string, timeoutMs = 40_000): Promise<T[]> {
  const sqs = new SQSClient({ endpoint: testCloud().endpoint, region: 'us-east-1', credentials: { accessKeyId: 'jestfailures', secretAccessKey: 'x' } });
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
    const reports: T[] = [];
    for (const deadline = Date.now() + timeoutMs; !reports.length && Date.now() < deadline; ) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      reports.push(...Messages.map((message) => JSON.parse(message.Body ?? '{}') as T));
    }
    return reports;
  } finally {
    sqs.destroy();
  }
}

/** Stream records from a sequence number on, read as a replay of an on-failure record would read them. */
export async function streamRecordsFrom(streamArn: string, shardId: string, sequenceNumber: string, limit = 10) {
  const call = <T>(action: string, body: object) => callJsonApi<T>(testCloud().endpoint, `DynamoDBStreams_20120810.${action}`, body, { service: 'dynamodb' });
  const { ShardIterator } = await call<{ ShardIterator: string }>('GetShardIterator', {
    StreamArn: streamArn,
    ShardId: shardId,
    ShardIteratorType: 'AT_SEQUENCE_NUMBER',
    SequenceNumber: sequenceNumber,
  });
  const { Records } = await call<{
    Records: Array<{ eventName: string; dynamodb: { SequenceNumber: string; NewImage?: Record<string, Record<string, unknown>> } }>;
  }>('GetRecords', { ShardIterator, Limit: limit });
  return Records;
}

/** A function's invocations so far: started, completed and failed. */
export async function functionStats(functionName: string): Promise<{ invocations: number; completed: number; errors: number }> {
  const fn = (await local().functions()).find((candidate) => candidate.name === functionName);
  if (!fn) throw new Error(`No local function ${functionName}`);
  return fn;
}

/** Waits until `functionName` has completed at least `count` invocations in all; returns its figures. */
export async function waitForCompleted(functionName: string, count: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await functionStats(functionName);
    if (stats.completed >= count) return stats;
    if (Date.now() > deadline) throw new Error(`${functionName} completed ${stats.completed} invocations, not ${count}, within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/**
 * Waits until the named functions are quiet: nothing running or pending on any of them (async
 * invocations and event source batches, with their retries), and each of their event sources
 * polled and found empty in a poll that began after the last of that work ended and after `since`.
 * What a test awaits before asserting that something did not happen, instead of sleeping.
 */
export async function waitUntilQuiet(functionNames: readonly string[], since = Date.now(), timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await local().functions();
    const fns = functionNames.map((name) => {
      const fn = all.find((candidate) => candidate.name === name);
      if (!fn) throw new Error(`No local function ${name}`);
      return fn;
    });
    const settledAt = Math.max(since, ...fns.map((fn) => fn.lastFinishedAt));
    if (fns.every((fn) => fn.pending === 0 && (fn.caughtUpAt === null || fn.caughtUpAt > settledAt))) return;
    if (Date.now() > deadline) {
      const state = fns.map(({ name, pending, caughtUpAt, lastFinishedAt }) => ({ name, pending, caughtUpAt, lastFinishedAt }));
      throw new Error(`Not quiet within ${timeoutMs} ms: ${JSON.stringify(state)}`);
    }
    await sleep(50);
  }
}

/** AWS API calls per caller and `service:Action`, as the endpoint counted them. */
export async function apiCalls(): Promise<Record<string, Record<string, number>>> {
  return local().calls();
}

/** A Lambda context good enough for calling a handler in process. */
export function lambdaContext(functionName = 'test') {
  return {
    awsRequestId: crypto.randomUUID(),
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The requests refused so far (IAM or a resource policy said no), optionally only a caller's. */
export function denials(filter: { caller?: string; action?: string } = {}): Promise<Denial[]> {
  return local().denials(filter);
}

/** Forgets the denials a test provoked on purpose (the run fails on any left), leaving other tests' alone. */
export async function clearDenials(filter: { caller: string; action?: string }): Promise<void> {
  await local().clearDenials(filter);
}
