// What a restart keeps: with --persist the S3 objects (kept in files, so memory stays bounded) are
// there after the local cloud stops and starts again; without it a start begins from nothing.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from '@jest/globals';
import { startLocalCloud } from '../../src/index';
import { fixtureRoot } from '../support/fixtureCloud';

// Each start on ports of its own: a restart in this one process would meet the previous cloud's
// kept-alive sockets in fetch's pool (the CLI restarts as a new process, which has none).
let portBase = 21566;
const Bucket = 'fixture-dev-kept';

async function withCloud<T>(root: string, persist: boolean, use: (s3: S3Client) => Promise<T>): Promise<T> {
  portBase += 100;
  const cloud = await startLocalCloud({ root, portBase, persist, log: () => undefined });
  const s3 = new S3Client({
    endpoint: cloud.context.endpoint.url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'persisttest', secretAccessKey: 'x' },
  });
  try {
    return await use(s3);
  } finally {
    s3.destroy();
    await cloud.stop();
  }
}

const read = async (s3: S3Client, Key: string) => {
  try {
    return await (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body?.transformToString();
  } catch (error) {
    return (error as Error).name;
  }
};

describe('restarts', () => {
  it('keeps S3 objects across a --persist restart, and a start without it begins from nothing', async () => {
    const root = fixtureRoot({ Kept: { Type: 'AWS::S3::Bucket', Properties: { BucketName: Bucket } } });
    await withCloud(root, true, (s3) => s3.send(new PutObjectCommand({ Bucket, Key: 'story.eml', Body: 'Once upon a time' })));
    await expect(withCloud(root, true, (s3) => read(s3, 'story.eml'))).resolves.toBe('Once upon a time');

    await withCloud(root, false, (s3) => s3.send(new PutObjectCommand({ Bucket, Key: 'draft.eml', Body: 'scratch' })));
    await expect(withCloud(root, false, (s3) => Promise.all([read(s3, 'story.eml'), read(s3, 'draft.eml')]))).resolves.toEqual(['NoSuchKey', 'NoSuchKey']);
  }, 120_000);
});
