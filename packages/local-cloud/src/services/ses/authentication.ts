/**
 * The verdicts SES adds to a message it receives, as the headers it writes (Received-SPF and
 * Authentication-Results, in the format of the stored messages in AWS's SES developer guide). Offline
 * there is no DNS to ask, so a documented local rule stands in:
 * - SPF passes when the envelope sender's domain (MAIL FROM) and the From header's domain are one,
 *   or one is under the other; it fails otherwise, and is none for the null sender (bounces);
 * - DKIM is none: no signature is checked;
 * - DMARC passes when SPF passed aligned (which the rule implies), and fails otherwise.
 * So mail sent as anyone's From by someone else's server fails, as it fails in AWS for a domain with
 * a DMARC policy.
 */
export function authenticationHeaders(raw: Buffer, session: { envelopeFrom: string; clientIp: string; helo: string }): string[] {
  const fromDomain = headerFromDomain(raw);
  const envelopeDomain = session.envelopeFrom.split('@')[1]?.toLowerCase() ?? '';
  const alignedSpf = Boolean(envelopeDomain && fromDomain && aligned(envelopeDomain, fromDomain));
  const spf = !session.envelopeFrom ? 'none' : alignedSpf ? 'pass' : 'fail';
  const spfDetail = `(spfCheck: local rule: envelope domain ${envelopeDomain || '(null sender)'} ${alignedSpf ? 'is aligned with' : 'is not'} the From domain ${fromDomain || '(none)'})`;
  const spfFields = `client-ip=${session.clientIp}; envelope-from=${session.envelopeFrom}; helo=${session.helo};`;
  const dmarc = !fromDomain ? 'none' : alignedSpf ? 'pass' : 'fail';
  return [
    `Received-SPF: ${spf} ${spfDetail} ${spfFields}`,
    `Authentication-Results: amazonses.com;\r\n spf=${spf} ${spfDetail} ${spfFields}\r\n dkim=none;\r\n dmarc=${dmarc} header.from=${fromDomain || 'none'};`,
  ];
}

function aligned(a: string, b: string): boolean {
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

/** The domain of the message's own From header (the first one, unfolded), from its header block. */
function headerFromDomain(raw: Buffer): string | undefined {
  const end = raw.indexOf('\r\n\r\n');
  const block = raw
    .subarray(0, end < 0 ? Math.min(raw.length, 1024 * 1024) : end)
    .toString('latin1')
    .replace(/\r?\n[ \t]+/g, ' ');
  const from = /^from:(.*)$/im.exec(block)?.[1] ?? '';
  const address = /<([^<>]*)>\s*$/.exec(from.trim())?.[1] ?? from.trim();
  const domain = /@([A-Za-z0-9.-]+)/.exec(address)?.[1];
  return domain?.toLowerCase();
}
