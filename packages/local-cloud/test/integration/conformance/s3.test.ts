// Every S3 operation the coverage table lists, through the endpoint with the real SDK v3 client
// (path style, as every local S3 needs); downloads keep their Content-Length.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutBucketTaggingCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from '@jest/globals';
import { injectFault } from '../../../src/testing';
import { clientConfig, expectEveryDeclaredOperationCalled } from '../../support/conformance';

const KEY = 'conformances3';
const s3 = new S3Client({ ...clientConfig(KEY), forcePathStyle: true });
const Bucket = `conformance-${Date.now()}`;

afterAll(() => s3.destroy());

describe('S3 through the endpoint, with the SDK', () => {
  it('creates, finds and lists a bucket', async () => {
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new HeadBucketCommand({ Bucket }));
    expect((await s3.send(new ListBucketsCommand({}))).Buckets?.map((bucket) => bucket.Name)).toContain(Bucket);
  });

  it('puts, heads, gets, copies, lists and deletes objects', async () => {
    const Body = 'Chapter one.\n'.repeat(100);
    await s3.send(new PutObjectCommand({ Bucket, Key: 'drafts/one.txt', Body, ContentType: 'text/plain', Metadata: { author: 'ada' } }));
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'drafts/one.txt' }));
    expect(head).toMatchObject({ ContentLength: Body.length, ContentType: 'text/plain', Metadata: { author: 'ada' } });
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'drafts/one.txt' }));
    expect(got.ContentLength).toBe(Body.length);
    expect(await got.Body?.transformToString()).toBe(Body);
    await s3.send(new CopyObjectCommand({ Bucket, Key: 'final/one.txt', CopySource: `${Bucket}/drafts/one.txt` }));
    const v2 = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'final/' }));
    expect(v2.Contents?.map((object) => [object.Key, object.Size])).toEqual([['final/one.txt', Body.length]]);
    const v1 = await s3.send(new ListObjectsCommand({ Bucket, Delimiter: '/' }));
    expect(v1.CommonPrefixes?.map((prefix) => prefix.Prefix)).toEqual(['drafts/', 'final/']);
    // An injected fault reaches the client in S3's XML, so its SDK names it as S3 would.
    await injectFault({
      service: 's3',
      action: 'GetObject',
      caller: `client:${KEY}`,
      status: 503,
      code: 'SlowDown',
      message: 'Please reduce your request rate.',
    });
    await expect(s3.send(new GetObjectCommand({ Bucket, Key: 'final/one.txt' }))).rejects.toMatchObject({
      name: 'SlowDown',
      $metadata: { httpStatusCode: 503 },
    });
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'final/one.txt' }));
    const { Deleted = [] } = await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'drafts/one.txt' }] } }));
    expect(Deleted.map((deleted) => deleted.Key)).toEqual(['drafts/one.txt']);
    await expect(s3.send(new HeadObjectCommand({ Bucket, Key: 'drafts/one.txt' }))).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('uploads in parts, and aborts an upload', async () => {
    const part = Buffer.alloc(5 * 1024 * 1024, 'a');
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'big.bin' }));
    const one = await s3.send(new UploadPartCommand({ Bucket, Key: 'big.bin', UploadId, PartNumber: 1, Body: part }));
    const two = await s3.send(new UploadPartCommand({ Bucket, Key: 'big.bin', UploadId, PartNumber: 2, Body: Buffer.from('end') }));
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key: 'big.bin',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: one.ETag },
            { PartNumber: 2, ETag: two.ETag },
          ],
        },
      }),
    );
    expect((await s3.send(new HeadObjectCommand({ Bucket, Key: 'big.bin' }))).ContentLength).toBe(part.length + 3);
    const aborted = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'never.bin' }));
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: 'never.bin', UploadId: aborted.UploadId }));
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 'big.bin' }));
  });

  it("refuses a bucket setting it does not emulate with S3's 501 NotImplemented, and creates nothing", async () => {
    await expect(s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] } }))).rejects.toMatchObject({
      name: 'NotImplemented',
      $metadata: { httpStatusCode: 501 },
    });
    expect((await s3.send(new ListObjectsV2Command({ Bucket }))).KeyCount).toBe(0);
  });

  it('deletes the bucket, and has driven every operation the coverage table lists', async () => {
    await s3.send(new DeleteBucketCommand({ Bucket }));
    await expect(s3.send(new HeadBucketCommand({ Bucket }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    await expectEveryDeclaredOperationCalled('Amazon S3', 's3', [KEY]);
  });
});
