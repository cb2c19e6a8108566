import { PassThrough, type Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { type AttachmentStream, MailParser, type MessageText } from 'mailparser';
import { isFlagged, type Part, type Submission, safeName, submissionId } from './domain/submission';

export interface ParsedMessage {
  id: string;
  duplicate: boolean;
  from?: { name: string; address: string };
  subject: string;
  verdicts: { spam: string; virus: string };
  parts: Part[];
}

/**
 * Streams a stored message from S3 through a MIME parser. Attachments go to S3 as they arrive (a
 * multipart upload per attachment, a few 5 MB parts in memory at most), so a 40 MB message is never
 * held whole. `claim` decides, from the headers, whether this copy is processed (duplicates and
 * flagged messages are read through and stored nowhere).
 */
export async function parseStoredMessage(
  s3: S3Client,
  bucket: string,
  rawKey: string,
  claim: (id: string, flagged: boolean) => Promise<boolean>,
): Promise<ParsedMessage> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: rawKey }));
  if (!Body) throw new Error(`s3://${bucket}/${rawKey} has no body`);
  const parser = new MailParser();
  const result: ParsedMessage = {
    id: submissionId(undefined, rawKey),
    duplicate: false,
    subject: '',
    verdicts: { spam: 'UNKNOWN', virus: 'UNKNOWN' },
    parts: [],
  };
  let keep: Promise<boolean> = Promise.resolve(false);
  const writes: Promise<void>[] = [];

  parser.on('headers', (headers) => {
    const verdict = (name: string) => String(headers.get(name) ?? 'UNKNOWN').toUpperCase();
    const from = (headers.get('from') as { value?: Array<{ name: string; address?: string }> } | undefined)?.value?.[0];
    result.id = submissionId(headers.get('message-id') as string | undefined, rawKey);
    result.subject = String(headers.get('subject') ?? '').trim();
    result.from = from?.address ? { name: from.name || from.address, address: from.address.toLowerCase() } : undefined;
    result.verdicts = { spam: verdict('x-ses-spam-verdict'), virus: verdict('x-ses-virus-verdict') };
    keep = claim(result.id, isFlagged(result.verdicts)).then((claimed) => {
      result.duplicate = !claimed;
      return claimed && !isFlagged(result.verdicts);
    });
  });

  parser.on('data', (data: AttachmentStream | MessageText) => {
    if (data.type === 'attachment') {
      const index = result.parts.length + writes.length;
      writes.push(
        keep.then(async (store) => {
          if (!store) {
            data.content.resume();
            await new Promise((resolve) => data.content.once('end', resolve));
            data.release?.();
            return;
          }
          let size = 0;
          const counted = new PassThrough();
          counted.on('data', (chunk: Buffer) => {
            size += chunk.length;
          });
          data.content.pipe(counted);
          const key = `submissions/${result.id}/attachments/${index + 1}-${safeName(data.filename, `attachment-${index + 1}`)}`;
          await new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: counted, ContentType: data.contentType }, queueSize: 2 }).done();
          data.release?.();
          result.parts.push({ kind: 'attachment', key, name: data.filename ?? `attachment-${index + 1}`, contentType: data.contentType, size });
        }),
      );
      return;
    }
    writes.push(
      keep.then(async (store) => {
        if (!store) return;
        for (const [body, extension, contentType] of [
          [data.text, 'txt', 'text/plain; charset=utf-8'],
          [typeof data.html === 'string' ? data.html : undefined, 'html', 'text/html; charset=utf-8'],
        ] as const) {
          if (!body) continue;
          const key = `submissions/${result.id}/body.${extension}`;
          await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
          result.parts.push({ kind: 'body', key, name: `body.${extension}`, contentType, size: Buffer.byteLength(body) });
        }
      }),
    );
  });

  await new Promise<void>((resolve, reject) => {
    parser.once('end', resolve);
    parser.once('error', reject);
    (Body as Readable).once('error', reject);
    (Body as Readable).pipe(parser);
  });
  await keep;
  await Promise.all(writes);
  return result;
}

/** The record of a message that could not be processed; its raw copy stays where SES put it. */
export function failureRecord(id: string, rawKey: string, receivedAt: string, error: Error): Submission {
  return { id, state: 'failed', rawKey, receivedAt, error: `${error.name}: ${error.message}`.slice(0, 2_000) };
}
