import { createHash } from 'node:crypto';
import { basename } from 'node:path';

export type SubmissionState = 'receiving' | 'unread' | 'reading' | 'accepted' | 'rejected' | 'held' | 'flagged' | 'no-manuscript' | 'failed';
export const DECISIONS = ['accepted', 'rejected', 'held'] as const;
export type Decision = (typeof DECISIONS)[number];

export interface Part {
  /** The message's own text or HTML, or an attached file. */
  kind: 'body' | 'attachment';
  key: string;
  name: string;
  contentType: string;
  size: number;
}

export interface Submission {
  id: string;
  state: SubmissionState;
  rawKey: string;
  receivedAt: string;
  authorName?: string;
  authorEmail?: string;
  title?: string;
  parts?: Part[];
  manuscript?: Part;
  rawSize?: number;
  verdicts?: { spam: string; virus: string };
  error?: string;
}

/** One submission per message: the id comes from its Message-ID (or, lacking one, its stored copy). */
export function submissionId(messageId: string | undefined, rawKey: string): string {
  return createHash('sha256')
    .update(messageId?.trim() || `raw:${rawKey}`)
    .digest('hex')
    .slice(0, 24);
}

/**
 * A key part for any filename, however hostile ("../../etc/passwd", control characters, 300 chars):
 * its last path segment, safe characters only, no leading dots, at most 100 characters.
 */
export function safeName(filename: string | undefined, fallback: string): string {
  const last = basename((filename ?? '').replace(/\\/g, '/'));
  const cleaned = last
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(-100);
  return cleaned || fallback;
}

const MANUSCRIPT = /\.(docx?|pdf|odt|rtf|txt|md|pages)$/i;

/** The first attachment that looks like a manuscript (a document, not an image or a signature). */
export function manuscriptOf(parts: readonly Part[]): Part | undefined {
  return parts.find((part) => part.kind === 'attachment' && MANUSCRIPT.test(part.name));
}

/** SES says FAIL when its scanners found spam or a virus; such a message is flagged, not read or answered. */
export function isFlagged(verdicts: { spam: string; virus: string }): boolean {
  return verdicts.spam === 'FAIL' || verdicts.virus === 'FAIL';
}

/** States a decision may come from: the editor is reading it, or held it before. */
export function canDecide(state: SubmissionState): boolean {
  return state === 'reading' || state === 'held';
}
