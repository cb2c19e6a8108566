// Soak: 2 GiB stored and read back through S3 and 10,000 messages through SQS, on a local cloud of its
// own, printing the main process's resident memory beside the volume moved (S3 objects live in files,
// so it should stay flat). BENCH_SOAK_GIB sizes the S3 part; BENCH_BASELINE=<checkout> runs the same
// soak on that checkout's local cloud too, side by side.
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { cloudProcess, residentMemory, startBenchCloud } from '../src/bench';

const OBJECT_MIB = 8;
const GIB = Number(process.env.BENCH_SOAK_GIB ?? 2);
const MESSAGES = 10_000;

async function soak(checkout: string | undefined, portBase: number) {
  const cloud = await startBenchCloud(portBase, checkout);
  const pid = cloudProcess(cloud.pid);
  const config = { endpoint: cloud.urls.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'soakbench', secretAccessKey: 'x' }, forcePathStyle: true };
  const s3 = new S3Client(config);
  const sqs = new SQSClient(config);
  const startMiB = residentMemory(pid).rssMiB;
  const started = performance.now();
  try {
    const Bucket = `soak-${Date.now()}`;
    await s3.send(new CreateBucketCommand({ Bucket }));
    const body = randomBytes(OBJECT_MIB * 1024 * 1024);
    const objects = Math.round((GIB * 1024) / OBJECT_MIB);
    let peakMiB = startMiB;
    for (let index = 0; index < objects; index += 1) {
      await s3.send(new PutObjectCommand({ Bucket, Key: `blob-${index}`, Body: body }));
      const read = await (await s3.send(new GetObjectCommand({ Bucket, Key: `blob-${index}` }))).Body?.transformToByteArray();
      if (read?.length !== body.length) throw new Error(`blob-${index} came back with ${read?.length} bytes`);
      peakMiB = Math.max(peakMiB, residentMemory(pid).rssMiB);
    }
    const s3Seconds = (performance.now() - started) / 1000;
    const afterS3MiB = residentMemory(pid).rssMiB;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `soak-${Date.now()}` }));
    for (let sent = 0; sent < MESSAGES; sent += 10) {
      const Entries = Array.from({ length: 10 }, (_, index) => ({ Id: String(index), MessageBody: `message ${sent + index} ${'x'.repeat(1000)}` }));
      await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }));
    }
    let received = 0;
    while (received < MESSAGES) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      if (!Messages.length) break;
      received += Messages.length;
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: Messages.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle })) }));
    }
    peakMiB = Math.max(peakMiB, residentMemory(pid).rssMiB);
    return {
      checkout: checkout ?? 'this checkout',
      s3: `${objects} x ${OBJECT_MIB} MiB = ${((objects * OBJECT_MIB) / 1024).toFixed(1)} GiB in and out, ${s3Seconds.toFixed(0)} s`,
      sqs: `${received} of ${MESSAGES} messages sent, received, deleted`,
      rss: `start ${startMiB} MiB, after S3 ${afterS3MiB} MiB, end ${residentMemory(pid).rssMiB} MiB, peak sampled ${peakMiB} MiB, kernel high-water ${residentMemory(pid).peakMiB} MiB`,
    };
  } finally {
    s3.destroy();
    sqs.destroy();
    await cloud.stop();
  }
}

const runs = [await soak(undefined, 46566)];
if (process.env.BENCH_BASELINE) runs.push(await soak(process.env.BENCH_BASELINE, 47566));
console.log('\nlocal cloud soak: the main process resident memory beside the volume moved');
for (const run of runs) console.log(`  ${run.checkout}\n    S3:  ${run.s3}\n    SQS: ${run.sqs}\n    RSS: ${run.rss}`);
