// Latency of one call through the local endpoint beside the same call straight to the emulator that
// answers it (and to moto_server, when it is installed, as the alternative many teams use), on a
// local cloud of its own, and the idle resident memory of every process of that cloud (start to
// ready is bench/bundles.ts's). BENCH_CALLS sets the calls per measurement (500 by default, after a
// warm-up of 50); BENCH_BASELINE=<checkout> measures that checkout's endpoint too, side by side.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type BenchCloud, cloudTree, percentile, residentMemory, startBenchCloud } from '../src/bench';

const CALLS = Number(process.env.BENCH_CALLS ?? 500);
const WARM_UP = 50;
const MOTO_PORT = 25999;

type Timed = { median: number; p95: number };
/** Per target (endpoint, emulator direct, moto_server...), per call. */
type Results = Record<string, Record<string, Timed>>;
/** Where each service's calls go: one endpoint for all, or each emulator straight. */
type Target = { dynamodb: string; sqs: string; s3: string };
const everything = (endpoint: string): Target => ({ dynamodb: endpoint, sqs: endpoint, s3: endpoint });

const config = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'latencybench', secretAccessKey: 'x' },
  forcePathStyle: true,
});

type Calls = Record<string, () => Promise<unknown>>;

/** The four calls against one target, on a table, item, queue and object made for them. */
async function prepare(target: Target): Promise<{ calls: Calls; destroy(): void }> {
  const dynamodb = new DynamoDBClient(config(target.dynamodb));
  const sqs = new SQSClient(config(target.sqs));
  const s3 = new S3Client(config(target.s3));
  const name = `latency-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }),
  );
  const Item = { id: { S: 'item' }, note: { S: 'x'.repeat(200) } };
  await dynamodb.send(new PutItemCommand({ TableName: name, Item }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  await s3.send(new PutObjectCommand({ Bucket: name, Key: 'object', Body: 'x'.repeat(1024) }));
  return {
    calls: {
      GetItem: () => dynamodb.send(new GetItemCommand({ TableName: name, Key: { id: { S: 'item' } } })),
      PutItem: () => dynamodb.send(new PutItemCommand({ TableName: name, Item })),
      'SQS SendMessage': () => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' })),
      'S3 GetObject': async () => (await s3.send(new GetObjectCommand({ Bucket: name, Key: 'object' }))).Body?.transformToString(),
    },
    destroy() {
      dynamodb.destroy();
      sqs.destroy();
      s3.destroy();
    },
  };
}

/**
 * Each call against every target in turns (A, B, C, A, B, C...), so that all see the same warmth of
 * the emulators' JITs and the same background work: measured one after the other, the later target
 * would look faster.
 */
async function sideBySide(targets: Record<string, Target>): Promise<Results> {
  const prepared = await Promise.all(Object.entries(targets).map(async ([name, target]) => ({ name, ...(await prepare(target)) })));
  const results: Results = Object.fromEntries(prepared.map(({ name }) => [name, {}]));
  try {
    for (const call of Object.keys(prepared[0]?.calls ?? {})) {
      const samples = new Map<string, number[]>(prepared.map(({ name }) => [name, []]));
      for (let round = 0; round < WARM_UP + CALLS; round += 1) {
        for (const { name, calls } of prepared) {
          const started = performance.now();
          await calls[call]?.();
          if (round >= WARM_UP) samples.get(name)?.push(performance.now() - started);
        }
      }
      for (const [name, timings] of samples) (results[name] ?? {})[call] = { median: percentile(timings, 50), p95: percentile(timings, 95) };
    }
  } finally {
    for (const { destroy } of prepared) destroy();
  }
  return results;
}

/** moto_server on a port of its own, if the machine has it. */
async function startMoto(): Promise<ChildProcess | undefined> {
  if (spawnSync('sh', ['-c', 'command -v moto_server']).status !== 0) return undefined;
  const moto = spawn('moto_server', ['-p', String(MOTO_PORT)], { stdio: 'ignore' });
  for (let tries = 0; tries < 100; tries += 1) {
    const up = await fetch(`http://127.0.0.1:${MOTO_PORT}/moto-api/`).then(
      () => true,
      () => false,
    );
    if (up) return moto;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  moto.kill();
  return undefined;
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

function printTable(results: Results, endpointName: string, directName: string): void {
  const names = Object.keys(results);
  const calls = Object.keys(results[endpointName] ?? {});
  const width = Math.max(...names.map((name) => name.length), 20);
  console.log(`  ${'call'.padEnd(16)}${names.map((name) => name.padEnd(width + 2)).join('')}endpoint's overhead (median)`);
  for (const call of calls) {
    const cells = names.map((name) => {
      const timed = results[name]?.[call];
      return (timed ? `${ms(timed.median)} / ${ms(timed.p95)}` : '-').padEnd(width + 2);
    });
    const through = results[endpointName]?.[call];
    const direct = results[directName]?.[call];
    console.log(`  ${call.padEnd(16)}${cells.join('')}${through && direct ? ms(through.median - direct.median) : '-'}`);
  }
  console.log('  (each cell: median / p95 of one call)');
}

/** Every process of a local cloud that has settled after its start, with its resident memory. */
async function idleMemory(cloud: BenchCloud): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  let total = 0;
  for (const { pid, command } of cloudTree(cloud.pid)) {
    const { rssMiB } = residentMemory(pid);
    total += rssMiB;
    console.log(`  ${`${rssMiB} MiB`.padStart(8)}  ${command}`);
  }
  console.log(`  ${`${total} MiB`.padStart(8)}  in all`);
}

async function main() {
  const baseline = process.env.BENCH_BASELINE;
  console.log(`\nlocal cloud latency: ${CALLS} calls each after ${WARM_UP} to warm up, AWS SDK v3 clients, one at a time, targets in turns`);
  const cloud = await startBenchCloud(24566);
  const other = baseline ? await startBenchCloud(24666, baseline) : undefined;
  const moto = await startMoto();
  try {
    console.log('\nidle resident memory of the local cloud, by process (3 s after ready)');
    await idleMemory(cloud);
    if (other) {
      console.log(`\nthe same for the baseline (${baseline})`);
      await idleMemory(other);
    }
    const targets: Record<string, Target> = {
      endpoint: everything(cloud.urls.endpoint ?? ''),
      // Straight to the emulators: DynamoDB Local for DynamoDB, fauxqs for SQS and S3.
      'emulator direct': { dynamodb: cloud.urls.dynamodb ?? '', sqs: cloud.urls.fauxqs ?? '', s3: cloud.urls.fauxqs ?? '' },
      ...(other ? { 'baseline endpoint': everything(other.urls.endpoint ?? '') } : {}),
      ...(moto ? { moto_server: everything(`http://127.0.0.1:${MOTO_PORT}`) } : {}),
    };
    if (!moto) console.log('  (moto_server is not installed: its column is left out)');
    console.log('');
    printTable(await sideBySide(targets), 'endpoint', 'emulator direct');
  } finally {
    moto?.kill();
    await other?.stop();
    await cloud.stop();
  }
}

await main();
