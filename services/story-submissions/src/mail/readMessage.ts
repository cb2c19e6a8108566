import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Headers, Splitter } from '@zone-eu/mailsplit';
import libmime from 'libmime';
import { structuredValue } from './headers';

/** A message that can never be read as MIME (nested too deep, too many parts, a broken structure): permanent, unlike a failed download. */
export class UnreadableMessage extends Error {
  override name = 'UnreadableMessage';
}

/** Deeper than any mail client nests (a forward of a forward of a reply...): a message built to exhaust the parser. */
const MAX_DEPTH = 32;
/** The most parts a submission may have (mailsplit's own limit is 1,000 nodes). */
const MAX_PARTS = 200;
/** mailsplit's limit for one header block. */
const MAX_HEAD_BYTES = 1024 * 1024;

/** The top header block of a message: each field's raw values (latin1 strings, as mailsplit keeps bytes), by lower-case name, in order. */
export type HeaderFields = ReadonlyMap<string, readonly string[]>;

export interface MessageDigest {
  headers: HeaderFields;
  /** SHA-256 of everything after the top header block: the same for every delivery of one message, whatever trace headers SES adds to each copy. */
  bodyDigest: string;
}

/** Reads the top header block and hashes the rest, holding only the header block and one chunk at a time. */
export async function digestMessage(source: Readable): Promise<MessageDigest> {
  const hash = createHash('sha256');
  let head = Buffer.alloc(0);
  let headers: HeaderFields | undefined;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    if (headers) {
      hash.update(chunk);
      continue;
    }
    head = Buffer.concat([head, chunk]);
    const end = headerEnd(head);
    if (end < 0) {
      if (head.length > MAX_HEAD_BYTES) throw new UnreadableMessage(`The header block is over ${MAX_HEAD_BYTES} bytes`);
      continue;
    }
    headers = fieldsOf(head.subarray(0, end));
    hash.update(head.subarray(end));
  }
  // A message that is all headers (no blank line) is still a message.
  return { headers: headers ?? fieldsOf(head), bodyDigest: hash.digest('hex') };
}

/** Where the first blank line ends (CRLF CRLF, or bare LF LF from a Unix mailer), or -1. */
function headerEnd(bytes: Buffer): number {
  const crlf = bytes.indexOf('\r\n\r\n');
  const lf = bytes.indexOf('\n\n');
  if (crlf < 0 && lf < 0) return -1;
  if (crlf < 0 || (lf >= 0 && lf < crlf)) return lf + 2;
  return crlf + 4;
}

function fieldsOf(block: Buffer): HeaderFields {
  const fields = new Map<string, string[]>();
  for (const { key, line } of new Headers(block).getList()) {
    const value = String(line).slice(String(line).indexOf(':') + 1);
    fields.set(key, [...(fields.get(key) ?? []), value]);
  }
  return fields;
}

/** One leaf of the MIME tree, as the reader hands it out: the message's text, its HTML, or a file. */
export interface MessagePart {
  role: 'text' | 'html' | 'file';
  /** 1, 2, 3... over the files (texts are not numbered). */
  number: number;
  contentType: string;
  /** The name the sender gave it, decoded (RFC 2231 or 2047, any charset); absent when it has none. */
  filename?: string;
  /** Decoded bytes: base64 and quoted-printable undone; texts converted to UTF-8. */
  content: Readable;
}

/**
 * Streams a message through mailsplit and hands out each leaf part as a stream of decoded bytes, one
 * at a time: the next part waits until `onPart` has consumed this one, so memory holds a few chunks,
 * never a part. The first unnamed text/plain and text/html parts that are not attachments are the
 * message's text; everything else, inline or attached, named or not, is a file. Embedded messages
 * (message/rfc822) are files too.
 */
export async function readParts(source: Readable, onPart: (part: MessagePart) => Promise<void>): Promise<void> {
  const splitter = new Splitter({ ignoreEmbedded: true, maxChildNodes: MAX_PARTS });
  // Whose failure it was decides what it means: the source's (S3) or the consumer's may pass, the parser's never will.
  let sourceError: Error | undefined;
  let consumerError: unknown;
  source.once('error', (error: Error) => {
    sourceError = error;
  });
  let current: { decoder: Transform; consumed: Promise<void> } | undefined;
  let files = 0;
  const taken = new Set<string>();

  const finishPart = async () => {
    if (!current) return;
    current.decoder.end();
    await current.consumed;
    current = undefined;
  };

  const consume = async (chunks: AsyncIterable<SplitterChunk>) => {
    for await (const data of chunks) {
      if (data.type === 'node') {
        await finishPart();
        if (depthOf(data) > MAX_DEPTH) throw new UnreadableMessage(`The message nests parts deeper than ${MAX_DEPTH} levels`);
        if (data.multipart) continue;
        const part = describe(data, taken);
        if (part.role === 'file') files += 1;
        const decoder = data.getDecoder();
        const content = part.role === 'file' ? decoder : decoder.pipe(libmime.createDecodeStream(String(data.charset || 'utf-8')));
        // The consumer's failure must not leave this loop waiting for a drain that never comes.
        const consumed = onPart({ ...part, number: part.role === 'file' ? files : 0, content });
        consumed.catch(() => decoder.destroy());
        current = { decoder, consumed };
      } else if (data.type === 'body' && current && data.value.length) {
        if (!current.decoder.write(data.value)) await Promise.race([once(current.decoder, 'drain'), current.consumed]);
      }
    }
    await finishPart();
  };

  try {
    await pipeline(source, splitter, async (chunks: AsyncIterable<SplitterChunk>) => {
      try {
        await consume(chunks);
      } catch (error) {
        consumerError = error;
        throw error;
      }
    });
  } catch (error) {
    if (consumerError) throw consumerError;
    if (sourceError) throw sourceError;
    throw new UnreadableMessage(`The message is not readable as MIME: ${(error as Error).message}`);
  }
}

type SplitterNode = Extract<SplitterChunk, { type: 'node' }>;
type SplitterChunk =
  | {
      type: 'node';
      multipart: string | false;
      contentType: string | false;
      charset: string | false;
      parentNode: SplitterNode | false;
      headers: { getList(): Array<{ key: string; line: string }> } | false;
      getDecoder(): Transform;
    }
  | { type: 'body' | 'data'; value: Buffer };

function depthOf(node: SplitterNode): number {
  let depth = 0;
  for (let parent = node.parentNode; parent; parent = parent.parentNode) depth += 1;
  return depth;
}

/** What a leaf is: the name is read again from the raw headers, so raw 8-bit names decode as UTF-8 or windows-1252 like every other header. */
function describe(node: SplitterNode, taken: Set<string>): Omit<MessagePart, 'number' | 'content'> {
  const header = (name: string) => {
    const line = node.headers ? node.headers.getList().find((entry) => entry.key === name)?.line : undefined;
    return line === undefined ? undefined : String(line).slice(String(line).indexOf(':') + 1);
  };
  const type = structuredValue(header('content-type'));
  const disposition = structuredValue(header('content-disposition'));
  const contentType = type.value || String(node.contentType || 'text/plain');
  const filename = disposition.params.filename || type.params.name || undefined;
  const textRole = contentType === 'text/plain' ? 'text' : contentType === 'text/html' ? 'html' : undefined;
  if (textRole && !filename && disposition.value !== 'attachment' && !taken.has(textRole)) {
    taken.add(textRole);
    return { role: textRole, contentType };
  }
  return { role: 'file', contentType, filename };
}
