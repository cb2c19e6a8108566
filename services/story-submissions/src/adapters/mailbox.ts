import { PassThrough, type Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

/**
 * The mail bucket: SES's stored messages under inbox/, each submission's parts under submissions/.
 * Parts go up as multipart uploads fed from the parser (two 5 MB parts in memory at most), so a 40 MB
 * message is never held whole.
 */
export function mailbox(s3: S3Client, bucket: string) {
  return {
    async openMessage(rawKey: string): Promise<Readable> {
      const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: rawKey }));
      if (!Body) throw new Error(`s3://${bucket}/${rawKey} has no body`);
      return Body as Readable;
    },

    async storePart(key: string, content: Readable, contentType: string): Promise<number> {
      let size = 0;
      const counted = new PassThrough();
      counted.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      content.once('error', (error) => counted.destroy(error));
      content.pipe(counted);
      await new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: counted, ContentType: contentType }, queueSize: 2 }).done();
      return size;
    },
  };
}
