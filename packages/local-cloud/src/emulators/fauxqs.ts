import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { CloudContext, LocalModule } from '../context';
import { persistedPath } from '../persistence';
import { ACCOUNT_ID } from '../services/cloudformation/intrinsics';

/**
 * fauxqs, the in-process emulator behind SQS, SNS and S3, on 127.0.0.1 (its own default binds every
 * interface). The modules of those services answer the endpoint and create resources in it.
 */
export function fauxqsModule(): LocalModule {
  let app: { close(): Promise<unknown> } | undefined;
  let scratch: string | undefined;
  return {
    name: 'fauxqs',
    emulator: true,
    async start(context) {
      // Loaded here, not imported above: its node:sqlite warning is emitted while imports are linked,
      // before the CLI's warning filter could run.
      const { buildApp } = await import('fauxqs');
      // S3 objects live in files, their metadata alone in memory, so memory stays bounded whatever is
      // stored: kept across starts with --persist, else in a folder of this run that starts empty.
      const s3Dir = persistedPath(context, 's3') ?? join(context.root, '.local-cloud', `s3-run-${context.ports.endpoint}`);
      if (!context.persistDir) {
        rmSync(s3Dir, { recursive: true, force: true });
        scratch = s3Dir;
      }
      const { stores, close } = await fauxqsStores(s3Dir, persistedPath(context, 'fauxqs'));
      const fauxqs = buildApp({ logger: false, stores });
      // fauxqs closes its SQLite file itself only when it starts the server (startFauxqs).
      fauxqs.addHook('onClose', async () => close());
      app = fauxqs;
      await fauxqs.listen({ host: '127.0.0.1', port: context.ports.fauxqs });
      context.urls.fauxqs = `http://127.0.0.1:${context.ports.fauxqs}`;
    },
    async stop() {
      await app?.close();
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/**
 * fauxqs's stores with its persistence wired in, as its startFauxqs wires them (which would bind
 * every interface, where buildApp takes the stores and listens where asked): S3 objects in files;
 * under --persist, queues with their messages (in flight ones with their receipt and visibility
 * deadline), topics and subscriptions in fauxqs's SQLite file, written as each changes. The classes
 * are internal to fauxqs (pinned to one version in package.json), so they are imported by file.
 */
async function fauxqsStores(s3Dir: string, sqliteDir: string | undefined) {
  const dist = dirname(fileURLToPath(import.meta.resolve('fauxqs')));
  const internal = (path: string) => import(pathToFileURL(join(dist, path)).href);
  const [{ SqsStore }, { SnsStore }, { S3Store }, { FileS3Persistence }, { PersistenceManager }] = await Promise.all([
    internal('sqs/sqsStore.js'),
    internal('sns/snsStore.js'),
    internal('s3/s3Store.js'),
    internal('s3/fileS3Persistence.js'),
    internal('persistence.js'),
  ]);
  const [sqsStore, snsStore, s3Store] = [new SqsStore(), new SnsStore(), new S3Store()];
  const files = new FileS3Persistence(s3Dir);
  files.loadS3(s3Store);
  s3Store.persistence = files;
  if (!sqliteDir) return { stores: { sqsStore, snsStore, s3Store }, close: () => undefined };
  mkdirSync(sqliteDir, { recursive: true });
  const sqlite = new PersistenceManager(sqliteDir);
  // Loaded before the stores write to it, as startFauxqs does (a write during the load would cascade).
  sqlite.loadSqsAndSns(sqsStore, snsStore);
  sqsStore.persistence = sqlite;
  snsStore.persistence = sqlite;
  for (const queue of sqsStore.allQueues()) queue.persistence = sqlite;
  return { stores: { sqsStore, snsStore, s3Store }, close: () => sqlite.close() };
}

/** fauxqs's URL and the local credentials its SDK clients use (the cloud's own side, not a caller's). */
export function fauxqsClientConfig(port: number, region: string) {
  return { endpoint: `http://127.0.0.1:${port}`, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
}

/** An SQS client straight to fauxqs (the cloud's own side, not a caller's, so not through the endpoint). */
export function fauxqsSqsClient(context: CloudContext): SQSClient {
  return new SQSClient(fauxqsClientConfig(context.ports.fauxqs, context.region));
}

/** A queue's URL on fauxqs, from its ARN. */
export function fauxqsQueueUrl(context: CloudContext, queueArn: string): string {
  return `http://127.0.0.1:${context.ports.fauxqs}/${ACCOUNT_ID}/${queueArn.split(':').pop()}`;
}
