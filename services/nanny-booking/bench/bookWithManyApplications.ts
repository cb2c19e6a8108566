// Books a job with 1,000 applications on a local cloud of its own and prints how long the booking
// takes, how long until the last application is DECLINED, and the SQS and DynamoDB calls made, side
// by side in the same run with the seed's fan-out (one SendMessage per application, one after another).
import { randomUUID } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@zero-idle/core';
import { startBenchCloud } from '@zero-idle/local-cloud/bench';
import { localCloudClient, localUserTokens } from '@zero-idle/local-cloud/client';
import { queueDeclines } from '../src/declines';
import type { Application, Job } from '../src/domain/model';
import { bookingStore, items } from '../src/store';

const APPLICATIONS = Number(process.env.BENCH_APPLICATIONS ?? 1000);
const TABLE = 'nanny-booking-dev';
const cloud = await startBenchCloud(44566);
const endpoint = cloud.urls.endpoint ?? '';
Object.assign(process.env, { AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'benchbaseline', AWS_SECRET_ACCESS_KEY: 'x' });
const db = createDocumentClient();
const store = bookingStore(db, TABLE);
const sqs = new SQSClient({});
const queueUrl = `${endpoint}/000000000000/nanny-booking-dev-declines`;
const GRAPHQL = 'nanny-booking-dev-graphql';
const AFTER_BOOKING = 'nanny-booking-dev-afterBooking';

type Calls = Record<string, Record<string, number>>;
const calls = (): Promise<Calls> => localCloudClient(endpoint).calls();
const count = (all: Calls, caller: string, prefix: string) =>
  Object.entries(all[caller] ?? {}).reduce((sum, [key, n]) => sum + (key.startsWith(prefix) ? n : 0), 0);

/** A job by the parent with N pending applications (and their nanny profiles), written directly. */
async function jobWithApplications(parent: string): Promise<Job> {
  const job: Job = {
    id: randomUUID(),
    parent,
    title: 'Bench job',
    description: '',
    startsAt: '2026-12-05T18:00:00Z',
    hourlyRate: 20,
    status: 'OPEN',
    createdAt: new Date().toISOString(),
  };
  await store.jobs.create(job);
  const written = Array.from({ length: APPLICATIONS }, (_, index) => {
    const nanny = `bn${job.id.slice(0, 8)}${index}`;
    return [
      items.application({ jobId: job.id, nanny, status: 'PENDING', appliedAt: '2026-11-30T00:00:00Z' }),
      items.user({ username: nanny, email: `${nanny}@example.com`, name: 'Bench', role: 'nanny', status: 'VERIFIED', createdAt: '2026-11-30T00:00:00Z' }),
    ];
  }).flat();
  for (let start = 0; start < written.length; start += 25) {
    await db.send(new BatchWriteCommand({ RequestItems: { [TABLE]: written.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
  return job;
}

/** The first applicant of a bench job: the one booked (or, for a fan-out alone, left out). */
const firstApplicant = (job: Job) => `bn${job.id.slice(0, 8)}0`;

/** Every application of the job but the first applicant's, with the decline and email state. */
async function othersOf(job: Job): Promise<Array<Application & { mail?: string }>> {
  const others: Array<Application & { mail?: string }> = [];
  let nextToken: string | undefined;
  do {
    const page = await store.applications.ofJob(job.id, { limit: 1_000, nextToken });
    others.push(...page.items.filter((item) => item.nanny !== firstApplicant(job)));
    nextToken = page.nextToken;
  } while (nextToken);
  return others;
}

/** Waits until every declined applicant of the job has had their email, so one phase's tail does not slow the next. */
async function emailsDone(job: Job): Promise<void> {
  for (const started = performance.now(); ; ) {
    const unsent = (await othersOf(job)).filter((item) => item.mail !== 'SENT').length;
    if (unsent === 0) return;
    if (performance.now() - started > 120_000) throw new Error(`${unsent} emails of job ${job.id} still unsent after 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * When the last other application of the job was DECLINED (its declinedAt), in ms after `startedAt`
 * (epoch ms). Polls once a second: a tighter loop of 1,000-item queries would compete with the
 * pipeline it measures for DynamoDB Local's CPU.
 */
async function lastDeclinedAfter(job: Job, startedAt: number): Promise<number> {
  for (;;) {
    const others = await othersOf(job);
    const pending = others.filter((item) => item.status === 'PENDING').length;
    if (pending === 0) return Math.max(...others.map((item) => Date.parse(item.declinedAt ?? ''))) - startedAt;
    if (Date.now() - startedAt > 120_000) throw new Error(`${pending} applications still PENDING after 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

try {
  const pool = (await localCloudClient(endpoint).userPools()).find((candidate) => candidate.service === 'nanny-booking');
  const graphqlUrl = cloud.urls['nanny-booking.graphql'] ?? '';
  const parent = 'benchparent';
  const { IdToken } = await localUserTokens(cloud.urls.cognito ?? '', {
    poolId: pool?.pool ?? '',
    clientId: pool?.clients[0] ?? '',
    username: parent,
    password: 'Local-passw0rd',
    email: 'bench@example.com',
    groups: ['parent'],
  });
  const gql = (query: string, variables: object) =>
    fetch(graphqlUrl, {
      method: 'POST',
      headers: { authorization: IdToken, 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    }).then((r) => r.json() as Promise<{ errors?: unknown }>);
  await gql('mutation { createUser(input: {email: "bench@example.com", name: "Bench parent"}) { username } }', {});

  const book = (job: Job) => gql('mutation($j: ID!, $n: ID!) { bookNanny(jobId: $j, nanny: $n) { declining } }', { j: job.id, n: firstApplicant(job) });

  // Warm the functions (cold starts are not what this measures).
  const warm = await jobWithApplications(parent);
  await book(warm);
  await emailsDone(warm);

  // Ours: the bookNanny mutation through the local AppSync and the graphql function; the declines
  // follow from the table's stream (afterBooking -> SQS -> declineApplications).
  const ours = await jobWithApplications(parent);
  const before = await calls();
  const startedAt = Date.now();
  const started = performance.now();
  const result = await book(ours);
  const oursBook = performance.now() - started;
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  const oursDeclined = await lastDeclinedAfter(ours, startedAt);
  const after = await calls();
  await emailsDone(ours);

  // The seed's booking did the transaction and then the fan-out in the call. The transaction, in this
  // process (its declines and emails run through afterBooking and are waited out, so they cannot slow what follows):
  const seedJob = await jobWithApplications(parent);
  const transactionStart = performance.now();
  await store.jobs.book(seedJob, firstApplicant(seedJob), parent);
  const transaction = performance.now() - transactionStart;
  await emailsDone(seedJob);

  // The fan-outs, in this process, each on a job of its own that stays OPEN (so afterBooking stays out).
  const fanOutInProcess = async (fanOut: (job: Job, accepted: string) => Promise<number>) => {
    const job = await jobWithApplications(parent);
    const callsBefore = await calls();
    const startedAt = Date.now();
    const start = performance.now();
    await fanOut(job, firstApplicant(job));
    const fanOutMs = performance.now() - start;
    const declined = await lastDeclinedAfter(job, startedAt);
    const callsAfter = await calls();
    await emailsDone(job);
    return { fanOut: fanOutMs, declined, sqs: count(callsAfter, 'client:benchbaseline', 'sqs:') - count(callsBefore, 'client:benchbaseline', 'sqs:') };
  };
  const batched = await fanOutInProcess((job, accepted) => queueDeclines({ sqs, queueUrl, store }, job, accepted));
  const baseline = await fanOutInProcess(async (job, accepted) => {
    let sent = 0;
    let nextToken: string | undefined;
    do {
      const page = await store.applications.ofJob(job.id, { limit: 100, nextToken });
      for (const application of page.items) {
        if (application.nanny === accepted) continue;
        await sqs.send(
          new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ jobId: job.id, nanny: application.nanny, title: job.title }) }),
        );
        sent += 1;
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return sent;
  });
  const seedBook = transaction + baseline.fanOut;

  const ms = (value: number) => `${value.toFixed(0)} ms`;
  console.log(`\nnanny-booking: book a job with ${APPLICATIONS} applications (${APPLICATIONS - 1} declines)`);
  console.log(
    `  bookNanny mutation (AppSync + Lambda; declines from the stream): ${ms(oursBook)}; last DECLINED after ${ms(oursDeclined)}; ` +
      `SQS calls ${count(after, AFTER_BOOKING, 'sqs:') - count(before, AFTER_BOOKING, 'sqs:')} (at most ${Math.ceil((APPLICATIONS - 1) / 10)}), ` +
      `DynamoDB calls ${count(after, GRAPHQL, 'dynamodb:') - count(before, GRAPHQL, 'dynamodb:')} (graphql) + ${count(after, AFTER_BOOKING, 'dynamodb:') - count(before, AFTER_BOOKING, 'dynamodb:')} (afterBooking)`,
  );
  console.log(
    `  in process, fan-out batched (SendMessageBatch x10):  ${ms(batched.fanOut)}, last DECLINED after ${ms(batched.declined)}, SQS calls ${batched.sqs}`,
  );
  console.log(
    `  in process, the seed's booking: transaction ${ms(transaction)} + fan-out of one SendMessage each ${ms(baseline.fanOut)} = ${ms(seedBook)}; ` +
      `last DECLINED after ${ms(baseline.declined)}, SQS calls ${baseline.sqs}`,
  );
  console.log(`  bookNanny speed-up over the seed's booking: ${(seedBook / oursBook).toFixed(1)}x (target >= 5x); target: last DECLINED within 10 s\n`);
} finally {
  await cloud.stop();
}
