import { authenticationHeaders } from './authentication';

/** SES's verdict values (X-SES-Spam-Verdict, X-SES-Virus-Verdict). */
export type Verdict = 'PASS' | 'FAIL' | 'PROCESSING_FAILED';

export interface SesDelivery {
  /** MAIL FROM ('' for the null sender). */
  envelopeFrom: string;
  recipient: string;
  clientIp: string;
  helo: string;
  /** The id SES gives the message (also its key under the rule's prefix). */
  messageId: string;
  region: string;
  ruleName: string;
  /** The scanners' verdicts, when the rule scans. */
  verdicts?: { spam: Verdict; virus: Verdict };
}

/**
 * A received message as SES stores it for an S3 action: its own headers (Return-Path, Received, the
 * scan verdicts, SPF and DMARC) before the message as it was sent.
 */
export function sesStoredCopy(raw: Buffer, delivery: SesDelivery): Buffer {
  const headers = [
    `Return-Path: <${delivery.envelopeFrom}>`,
    `Received: from ${delivery.helo} (${delivery.clientIp}) by inbound-smtp.${delivery.region}.amazonaws.com with SMTP id ${delivery.messageId} for ${delivery.recipient}; ${new Date().toUTCString()}`,
    ...(delivery.verdicts ? [`X-SES-Spam-Verdict: ${delivery.verdicts.spam}`, `X-SES-Virus-Verdict: ${delivery.verdicts.virus}`] : []),
    ...authenticationHeaders(raw, { envelopeFrom: delivery.envelopeFrom, clientIp: delivery.clientIp, helo: delivery.helo }),
    `X-SES-Receipt: local ${delivery.ruleName}`,
  ].join('\r\n');
  return Buffer.concat([Buffer.from(`${headers}\r\n`), raw]);
}
