import { type Address, addressesOf, decodedValue } from '../mail/headers';
import type { HeaderFields } from '../mail/readMessage';
import type { Verdicts } from './submission';

/** What the top headers of a stored message say: who sent it, who to answer, what it is, and what SES found. */
export interface Envelope {
  messageId?: string;
  from?: Address;
  replyTo?: Address;
  subject: string;
  verdicts: Verdicts;
  /** Why no automatic reply may go out (RFC 3834), if one may not. */
  automatic?: string;
}

const first = (headers: HeaderFields, name: string) => headers.get(name)?.[0];

export function envelopeOf(headers: HeaderFields): Envelope {
  const messageId = first(headers, 'message-id')?.trim().replace(/\s+/g, '') || undefined;
  return {
    messageId,
    from: addressesOf(first(headers, 'from'))[0],
    replyTo: addressesOf(first(headers, 'reply-to'))[0],
    subject: decodedValue(first(headers, 'subject') ?? ''),
    verdicts: verdictsOf(headers),
    automatic: automaticReason(headers),
  };
}

/**
 * SES's verdicts on the message, from the headers it adds when it stores it: X-SES-Spam-Verdict and
 * X-SES-Virus-Verdict (when the rule scans), and its Authentication-Results (spf=, dkim=, dmarc=).
 * The topmost Authentication-Results is SES's own; any below it came with the message, from anyone.
 */
export function verdictsOf(headers: HeaderFields): Verdicts {
  const verdict = (name: string) => (first(headers, name)?.trim().toUpperCase() || 'UNKNOWN').split(/\s/)[0] ?? 'UNKNOWN';
  const results = (first(headers, 'authentication-results') ?? '').replace(/\s+/g, ' ');
  const method = (name: string) => new RegExp(`(?:^|;)\\s*${name}=([a-z]+)`, 'i').exec(results)?.[1]?.toUpperCase() ?? 'NONE';
  return { spam: verdict('x-ses-spam-verdict'), virus: verdict('x-ses-virus-verdict'), spf: method('spf'), dkim: method('dkim'), dmarc: method('dmarc') };
}

/** The domains SES vouched for: SPF's envelope-from and DKIM's signing domain (header.i or header.d), when they passed. */
function passedDomains(headers: HeaderFields): string[] {
  const results = (first(headers, 'authentication-results') ?? '').replace(/\s+/g, ' ');
  const domains: string[] = [];
  for (const clause of results.split(';')) {
    const [, method, result] = /^\s*(spf|dkim)=([a-z]+)/i.exec(clause) ?? [];
    if (!method || result?.toLowerCase() !== 'pass') continue;
    const property = method.toLowerCase() === 'spf' ? /(?:envelope-from|smtp\.mailfrom)=(?:[^@\s;]*@)?([^\s;]+)/i : /header\.[id]=(?:[^@\s;]*@)?([^\s;]+)/i;
    const domain = property.exec(results.slice(results.indexOf(clause)))?.[1];
    if (domain) domains.push(domain.toLowerCase());
  }
  return domains;
}

/** Same organisation, as DMARC's relaxed alignment reads it: one domain is the other or under it. */
function aligned(a: string, b: string): boolean {
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

/**
 * Whether an automatic reply may go to this message's author: SES's SPF or DKIM passed for a domain
 * aligned with the From domain, and DMARC did not fail. Replying otherwise answers whoever a forger
 * named in From (backscatter: the magazine would mail its replies, and the forger's subject, to
 * victims). The reply then goes to Reply-To if the message has one, as every mail client does.
 */
export function senderVouched(headers: HeaderFields, from: Address | undefined): boolean {
  const domain = from?.address.split('@')[1]?.toLowerCase();
  if (!domain) return false;
  if (verdictsOf(headers).dmarc === 'FAIL') return false;
  return passedDomains(headers).some((vouched) => aligned(vouched, domain));
}

/** Local parts that belong to mail systems and lists, never to an author (RFC 3834 section 2). */
const SYSTEM_SENDER = /^(mailer-daemon|postmaster|listserv|majordomo|owner-.*|.*-request)$/i;
/** Reply addresses that say nobody reads them. */
const NO_REPLY = /^(no-?reply|do-?not-?reply|noreply-.*)$/i;

/** Why a message must get no automatic reply (RFC 3834: bounces, reports, auto-replies, lists, bulk), or undefined. */
export function automaticReason(headers: HeaderFields): string | undefined {
  const value = (name: string) => decodedValue(first(headers, name) ?? '').toLowerCase();
  // SES writes the envelope sender as the first Return-Path; "<>" is the null reverse path of bounces and reports.
  const returnPath = value('return-path');
  if (headers.has('return-path') && /^<?\s*>?$/.test(returnPath)) return 'null sender (a bounce or a report)';
  const envelopeLocal = /<?([^@<>\s]+)@/.exec(returnPath)?.[1];
  if (envelopeLocal && SYSTEM_SENDER.test(envelopeLocal)) return `sent by a mail system (${envelopeLocal})`;
  const autoSubmitted = value('auto-submitted');
  if (autoSubmitted && !/^no\b/.test(autoSubmitted)) return `Auto-Submitted: ${autoSubmitted}`;
  const precedence = value('precedence');
  if (/^(bulk|junk|list)\b/.test(precedence)) return `Precedence: ${precedence}`;
  const list = [...headers.keys()].find((name) => name.startsWith('list-'));
  if (list) return `mailing list mail (${list})`;
  if (headers.has('x-autoreply') || headers.has('x-autorespond')) {
    return 'an automatic reply';
  }
  const type = value('content-type');
  if (/^multipart\/report\b/.test(type) || /^message\/(delivery-status|feedback-report|disposition-notification)\b/.test(type)) {
    return `a report (${type.split(';')[0]})`;
  }
  for (const name of ['reply-to', 'from']) {
    const local = addressesOf(first(headers, name))[0]?.address.split('@')[0];
    if (local && SYSTEM_SENDER.test(local)) return `sent by a mail system (${local})`;
  }
  return undefined;
}

/** The reply address's local part says nobody reads it (a form's no-reply with no Reply-To): nobody to answer. */
export function unanswerable(author: Address): boolean {
  return NO_REPLY.test(author.address.split('@')[0] ?? '');
}
