// In-memory twins of the use case's ports: the records keep the claim's conditions exactly as the
// DynamoDB store writes them, so the use case's races can be played out in one process.
import { Readable } from 'node:stream';
import type { SendResult } from '@zero-idle/core';
import { type SesDelivery, sesStoredCopy } from '@zero-idle/local-cloud/testing';
import type { ClaimResult, ReceiveDependencies, StoredMessage, SubmissionRecords } from '../../src/domain/receive';
import type { Submission } from '../../src/domain/submission';

type Item = Submission & { claimToken?: string; leaseUntil?: number; lastError?: string };

export class ConditionFailed extends Error {
  override name = 'ConditionalCheckFailedException';
}

export function recordsTwin(): SubmissionRecords & { items: Map<string, Item> } {
  const items = new Map<string, Item>();
  const holding = (id: string, token: string) => {
    const item = items.get(id);
    if (item?.claimToken !== token) throw new ConditionFailed(`${id} is not held by ${token}`);
    return item;
  };
  return {
    items,
    async claim(id: string, token: string, now: number, leaseUntil: number, message: StoredMessage): Promise<ClaimResult> {
      await Promise.resolve();
      const item = items.get(id);
      if (item && !((item.state === 'receiving' && (item.leaseUntil ?? 0) < now) || item.state === 'failed')) return { claimed: false, existing: { ...item } };
      const { error: _error, ...kept } = item ?? ({} as Item);
      items.set(id, {
        ...kept,
        id,
        state: 'receiving',
        claimToken: token,
        leaseUntil,
        rawKey: message.rawKey,
        receivedAt: item?.receivedAt ?? message.receivedAt,
      });
      return { claimed: true, sent: item?.sent ?? [] };
    },
    async markSent(id: string, token: string, email: string) {
      const item = holding(id, token);
      item.sent = [...(item.sent ?? []), email];
    },
    async complete(submission: Submission, token: string) {
      holding(submission.id, token);
      items.set(submission.id, { ...submission });
    },
    async release(id: string, token: string, error: string) {
      const item = items.get(id);
      if (item?.claimToken === token) Object.assign(item, { leaseUntil: 0, lastError: error });
    },
    async get(id: string) {
      return items.get(id);
    },
  };
}

export interface Sent {
  to: string;
  subject: string;
}

/** Every port, in memory: messages by key, stored parts, sent emails, a clock the test moves. */
export function twins(messages: Record<string, Buffer>, options: { send?: (to: string) => SendResult; openFails?: () => Error | undefined } = {}) {
  const parts = new Map<string, { bytes: Buffer; contentType: string }>();
  const sent: Sent[] = [];
  const clock = { now: 1_000_000 };
  let tokens = 0;
  const records = recordsTwin();
  const deps: ReceiveDependencies = {
    async openMessage(rawKey) {
      const fault = options.openFails?.();
      if (fault) throw fault;
      const raw = messages[rawKey];
      if (!raw) throw new Error(`NoSuchKey: ${rawKey}`);
      // Small chunks, as S3 streams them: every boundary and header may be split.
      return Readable.from(Array.from({ length: Math.ceil(raw.length / 4096) }, (_, index) => raw.subarray(index * 4096, (index + 1) * 4096)));
    },
    async storePart(key, content, contentType) {
      const chunks: Buffer[] = [];
      for await (const chunk of content) chunks.push(Buffer.from(chunk));
      parts.set(key, { bytes: Buffer.concat(chunks), contentType });
      return Buffer.concat(chunks).length;
    },
    records,
    async send(to, email) {
      const result = options.send?.(to) ?? { ok: true as const, messageId: `m-${sent.length}` };
      if (result.ok) sent.push({ to, subject: email.subject });
      return result;
    },
    editorEmail: 'editor@stories.example.com',
    now: () => clock.now,
    newToken: () => `token-${++tokens}`,
    sleep: async (ms) => {
      clock.now += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return { deps, parts, sent, records, clock };
}

/** A stored copy as SES writes it: its own trace, verdict and SPF/DMARC headers (the local cloud's writer), then the message as sent. */
export function storedBySes(raw: Buffer, envelopeFrom: string, verdicts: SesDelivery['verdicts'] = { spam: 'PASS', virus: 'PASS' }): Buffer {
  return sesStoredCopy(raw, {
    envelopeFrom,
    recipient: 'submissions@stories.example.com',
    clientIp: '192.0.2.1',
    helo: 'mail.example.com',
    messageId: 'twin',
    region: 'us-east-1',
    ruleName: 'story-submissions-dev-submissions',
    verdicts,
  });
}
