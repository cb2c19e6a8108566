// Runs one way of processing a stored message in this process and prints its duration and peak
// memory as JSON: `streaming` is the service's code (mailsplit, parts streamed to S3), `buffered` reads
// the whole message and parses it with mailparser's simpleParser (the service's parser before).
import { randomUUID } from 'node:crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { peakMemoryMb } from '@zero-idle/local-cloud/peakMemory';
import { simpleParser } from 'mailparser';
import { mailbox } from '../../src/adapters/mailbox';
import { readParts } from '../../src/mail/readMessage';

const [mode, bucket = '', key = ''] = process.argv.slice(2);
const s3 = new S3Client({});
const started = performance.now();
if (mode === 'streaming') {
  const store = mailbox(s3, bucket);
  const id = randomUUID();
  await readParts(await store.openMessage(key), async (part) => {
    await store.storePart(`submissions/${id}/attachments/${part.number}`, part.content, part.contentType);
  });
} else {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const raw = Buffer.from(await (Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  const parsed = await simpleParser(raw);
  const id = randomUUID();
  for (const [index, attachment] of parsed.attachments.entries()) {
    // Upload (multipart) because fauxqs takes at most 11 MiB in one PUT; the whole attachment is in memory either way.
    await new Upload({ client: s3, params: { Bucket: bucket, Key: `submissions/${id}/attachments/${index}`, Body: attachment.content } }).done();
  }
}
console.log(JSON.stringify({ mode, durationMs: performance.now() - started, maxRssMb: peakMemoryMb() }));
