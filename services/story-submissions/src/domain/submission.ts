import { createHash } from 'node:crypto';

export type SubmissionState =
  | 'receiving'
  | 'unread'
  | 'reading'
  | 'accepted'
  | 'rejected'
  | 'held'
  | 'flagged'
  | 'automatic'
  | 'not-answered'
  | 'no-manuscript'
  | 'failed';
export const DECISIONS = ['accepted', 'rejected', 'held'] as const;
export type Decision = (typeof DECISIONS)[number];

/**
 * How long one copy of a message holds it: longer than processSubmission's timeout (120 s), so a
 * claim is only ever taken over from an invocation that is certainly over.
 */
export const CLAIM_LEASE_MS = 150_000;

export interface Part {
  /** The message's own text or HTML, or a file (attached or inline). */
  kind: 'body' | 'attachment';
  key: string;
  /** The file name in its key (1-story.docx, body.txt). */
  name: string;
  /** The name the sender gave it, decoded, when it had one. */
  filename?: string;
  contentType: string;
  size: number;
}

export interface Verdicts {
  spam: string;
  virus: string;
  spf: string;
  dkim: string;
  dmarc: string;
}

export interface Submission {
  id: string;
  state: SubmissionState;
  rawKey: string;
  receivedAt: string;
  messageId?: string;
  /** Who the story is credited to and answered: Reply-To when the message has one, From otherwise. */
  authorName?: string;
  authorEmail?: string;
  /** The From mailbox, kept beside the author (a web form relaying a story is From, the author Reply-To). */
  fromName?: string;
  fromEmail?: string;
  title?: string;
  parts?: Part[];
  manuscript?: Part;
  rawSize?: number;
  verdicts?: Verdicts;
  /** Why the message was not answered: an automatic message (RFC 3834), or a sender SES's verdicts do not vouch for. */
  notAnswered?: string;
  /** The emails sent for it, by name (confirmation, editor, no-manuscript): each once. */
  sent?: string[];
  error?: string;
  /** When the editor recorded the decision the state holds (accepted, rejected or held). */
  decidedAt?: string;
}

/**
 * One submission per message. Copies of one message (SES retries, S3 events delivered twice, a server
 * delivering it again) share the Message-ID, the sender and every byte after the headers; a different
 * message that reuses a Message-ID differs in one of them, and is a submission of its own.
 */
export function submissionId(message: { messageId?: string; sender?: string; bodyDigest: string }): string {
  return createHash('sha256')
    .update(JSON.stringify([message.messageId?.trim() ?? '', message.sender?.toLowerCase() ?? '', message.bodyDigest]))
    .digest('hex')
    .slice(0, 24);
}

/** SES says FAIL when its scanners found spam or a virus; such a message is flagged, not read or answered. */
export function isFlagged(verdicts: Pick<Verdicts, 'spam' | 'virus'>): boolean {
  return verdicts.spam === 'FAIL' || verdicts.virus === 'FAIL';
}

/** States a decision may come from: the editor is reading it, or held it before. */
export function canDecide(state: SubmissionState): boolean {
  return state === 'reading' || state === 'held';
}
