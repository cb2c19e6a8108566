import type { Readable } from 'node:stream';
import type { ComposedEmail, SendResult } from '@zero-idle/core';
import { digestMessage, type MessagePart, readParts, UnreadableMessage } from '../mail/readMessage';
import { confirmationEmail, editorNotification, noManuscriptEmail } from './emails';
import { envelopeOf, senderVouched, unanswerable } from './envelope';
import { chooseManuscript } from './manuscript';
import { partFileName } from './partNames';
import { CLAIM_LEASE_MS, isFlagged, type Part, type Submission, submissionId } from './submission';

/** A message as SES stored it: its key in the bucket, when it arrived, how big it is. */
export interface StoredMessage {
  rawKey: string;
  receivedAt: string;
  size?: number;
}

export type ClaimResult = { claimed: true; sent: readonly string[] } | { claimed: false; existing?: Submission };

/** The records the use case keeps; every write that matters is conditional on the claim it holds. */
export interface SubmissionRecords {
  /** Takes the message for this copy: new, or left in `receiving` by a copy whose lease ended, or `failed` before. */
  claim(id: string, token: string, now: number, leaseUntil: number, message: StoredMessage): Promise<ClaimResult>;
  /** Notes one email as sent, while the claim holds, so a retry never sends it twice. */
  markSent(id: string, token: string, email: string): Promise<void>;
  /** Writes the finished submission in place of the claim; throws if the claim was lost. */
  complete(submission: Submission, token: string): Promise<void>;
  /** Gives the claim back after a fault another attempt may not meet: the retry takes it at once. */
  release(id: string, token: string, error: string): Promise<void>;
  get(id: string): Promise<Submission | undefined>;
}

export interface ReceiveDependencies {
  /** The raw message, read from the start each time it is opened. */
  openMessage(rawKey: string): Promise<Readable>;
  /** Stores one part under the submission's prefix; resolves to its size in bytes. */
  storePart(key: string, content: Readable, contentType: string): Promise<number>;
  records: SubmissionRecords;
  send(to: string, email: ComposedEmail): Promise<SendResult>;
  editorEmail: string;
  now(): number;
  newToken(): string;
  sleep(ms: number): Promise<void>;
}

export type ReceiveOutcome = Submission['state'] | 'duplicate' | 'ses-setup-notification';

/** Another copy holds the message and did not finish while this one waited: retried later, by which time it has. */
export class ClaimedElsewhere extends Error {
  override name = 'ClaimedElsewhere';
}

/** A fault that another attempt may not meet (S3, DynamoDB or SES unavailable, throttled): the invocation fails, and Lambda retries it. */
export class TransientFault extends Error {
  override name = 'TransientFault';
}

/** How long a copy waits for the copy that holds the message before it gives up and is retried. */
const WAIT_FOR_HOLDER_MS = 20_000;
const POLL_MS = 200;

/**
 * Makes one submission of a stored message, once, however many copies of it arrive and however they
 * race. The steps:
 * 1. Read the headers and a digest of the rest: the submission's id (Message-ID, sender, content).
 * 2. Claim it with a conditional write and a lease; a copy that finds it claimed waits for the holder
 *    and ends as a duplicate (or, if the holder is still at work, fails so that Lambda retries it).
 * 3. Decide what it is: flagged by SES, automatic (RFC 3834), from nobody, or a story.
 * 4. Store every part (streamed from S3 to S3), choose the manuscript.
 * 5. Answer the author only when SES's verdicts vouch for the sender, tell the editor; each email once.
 * 6. Replace the claim with the finished record. A message that can never be read is recorded `failed`
 *    under the same id; any other fault gives the claim back and fails the invocation.
 */
export async function receiveSubmission(deps: ReceiveDependencies, message: StoredMessage): Promise<ReceiveOutcome> {
  // SES writes this object when a receipt rule is made, to check that it may: it is not mail.
  if (message.rawKey.endsWith('AMAZON_SES_SETUP_NOTIFICATION')) return 'ses-setup-notification';

  const token = deps.newToken();
  const digest = await digestMessage(await deps.openMessage(message.rawKey)).catch((error: Error) => {
    if (error instanceof UnreadableMessage) return error;
    throw error;
  });
  if (digest instanceof UnreadableMessage) {
    // No headers to name it by: named after its stored copy, which no other delivery shares.
    const id = submissionId({ bodyDigest: `raw:${message.rawKey}` });
    if (!(await claimOrWait(deps, id, token, message)).claimed) return 'duplicate';
    return finish(deps, { id, state: 'failed', rawKey: message.rawKey, receivedAt: message.receivedAt, error: `${digest.name}: ${digest.message}` }, token);
  }
  const { headers, bodyDigest } = digest;
  const envelope = envelopeOf(headers);
  const id = submissionId({ messageId: envelope.messageId, sender: envelope.from?.address, bodyDigest });
  const claim = await claimOrWait(deps, id, token, message);
  if (!claim.claimed) return 'duplicate';

  const author = envelope.replyTo ?? envelope.from;
  const base: Submission = {
    id,
    state: 'receiving',
    rawKey: message.rawKey,
    receivedAt: message.receivedAt,
    rawSize: message.size,
    messageId: envelope.messageId,
    title: envelope.subject || '(no subject)',
    authorName: author ? author.name || author.address : undefined,
    authorEmail: author?.address.toLowerCase(),
    fromName: envelope.from?.name || undefined,
    fromEmail: envelope.from?.address.toLowerCase(),
    verdicts: envelope.verdicts,
  };
  try {
    if (isFlagged(envelope.verdicts)) return await finish(deps, { ...base, state: 'flagged' }, token);
    if (envelope.automatic) return await finish(deps, { ...base, state: 'automatic', notAnswered: envelope.automatic }, token);
    if (!author) return await finish(deps, { ...base, state: 'failed', error: 'The message has no sender address to answer' }, token);

    const parts = await storeParts(deps, id, message.rawKey);
    const manuscript = chooseManuscript(parts);
    const story: Submission = { ...base, parts, manuscript, state: manuscript ? 'unread' : 'no-manuscript' };
    const doubt = !senderVouched(headers, envelope.from)
      ? `SES's verdicts do not vouch for ${envelope.from?.address} (spf ${envelope.verdicts.spf}, dkim ${envelope.verdicts.dkim}, dmarc ${envelope.verdicts.dmarc})`
      : unanswerable(author)
        ? `${author.address} takes no replies`
        : undefined;
    if (doubt) return await finish(deps, { ...story, state: 'not-answered', notAnswered: doubt }, token);

    const values = { name: story.authorName ?? author.address, title: story.title ?? '', id };
    const emails: Array<[string, string, ComposedEmail]> = manuscript
      ? [
          ['confirmation', author.address, confirmationEmail(values)],
          ['editor', deps.editorEmail, editorNotification({ ...values, email: author.address, manuscript: manuscript.filename ?? manuscript.name })],
        ]
      : [['no-manuscript', author.address, noManuscriptEmail(values)]];
    const refused: string[] = [];
    const sent = [...claim.sent];
    for (const [name, to, email] of emails) {
      if (sent.includes(name)) continue;
      const result = await deps.send(to, email);
      if (!result.ok && result.retryable) throw new TransientFault(`SES did not send the ${name} email to ${to}: ${result.error.message}`);
      // Refused for good (an address SES will not send to): the editor sees why on the record.
      if (!result.ok) refused.push(`${name} to ${to}: ${result.error.message}`);
      else {
        await deps.records.markSent(id, token, name);
        sent.push(name);
      }
    }
    return await finish(deps, { ...story, sent, ...(refused.length ? { error: `email: ${refused.join('; ')}` } : {}) }, token);
  } catch (error) {
    if (error instanceof UnreadableMessage) return finish(deps, { ...base, state: 'failed', error: `${error.name}: ${error.message}` }, token);
    await deps.records.release(id, token, `${(error as Error).name}: ${(error as Error).message}`);
    throw error;
  }
}

async function finish(deps: ReceiveDependencies, submission: Submission, token: string): Promise<ReceiveOutcome> {
  await deps.records.complete(submission, token);
  return submission.state;
}

async function claimOrWait(deps: ReceiveDependencies, id: string, token: string, message: StoredMessage): Promise<ClaimResult> {
  const deadline = deps.now() + WAIT_FOR_HOLDER_MS;
  for (;;) {
    const now = deps.now();
    const claim = await deps.records.claim(id, token, now, now + CLAIM_LEASE_MS, message);
    if (claim.claimed || claim.existing?.state !== 'receiving') return claim;
    if (deps.now() >= deadline) throw new ClaimedElsewhere(`Submission ${id} is being received by another copy of the message`);
    await deps.sleep(POLL_MS);
  }
}

/** Streams every part of the message into the store, in order: texts as body.txt and body.html, files numbered 1, 2, 3... */
async function storeParts(deps: ReceiveDependencies, id: string, rawKey: string): Promise<Part[]> {
  const parts: Part[] = [];
  await readParts(await deps.openMessage(rawKey), async (part: MessagePart) => {
    const name = part.role === 'file' ? partFileName(part.number, part.filename, part.contentType) : part.role === 'text' ? 'body.txt' : 'body.html';
    const contentType = part.role === 'file' ? part.contentType : `${part.contentType}; charset=utf-8`;
    const key = `submissions/${id}/${part.role === 'file' ? 'attachments/' : ''}${name}`;
    const size = await deps.storePart(key, part.content, contentType);
    parts.push({
      kind: part.role === 'file' ? 'attachment' : 'body',
      key,
      name,
      contentType: part.contentType,
      size,
      ...(part.filename ? { filename: part.filename } : {}),
    });
  });
  return parts;
}
