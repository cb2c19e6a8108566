import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { oneLine } from './text';

/** One template, two bodies: the text body gets values as they are, the HTML body gets them escaped. */
export interface EmailTemplate {
  subject: string;
  text: string;
  html: string;
}

export interface ComposedEmail {
  subject: string;
  text: string;
  html: string;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

function fill(template: string, values: Readonly<Record<string, string>>, encode: (value: string) => string): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`Email template needs a value for {{${name}}}`);
    return encode(value);
  });
}

/** Fills {{name}} placeholders; a missing value is an error, never an empty hole in a sent email. */
export function composeEmail(template: EmailTemplate, values: Readonly<Record<string, string>>): ComposedEmail {
  return {
    // A subject is a header, shown on one line: a value's line breaks must not start new headers.
    subject: fill(template.subject, values, oneLine),
    text: fill(template.text, values, (value) => value),
    html: fill(template.html, values, escapeHtml),
  };
}

export interface OutgoingEmail extends ComposedEmail {
  from: string;
  to: readonly string[];
  replyTo?: readonly string[];
}

export type SendResult = { ok: true; messageId: string } | { ok: false; error: Error; retryable: boolean };

const RETRYABLE = new Set(['ThrottlingException', 'TooManyRequestsException', 'InternalFailure', 'ServiceUnavailable']);

/** Sends through SES v2. A refusal comes back as a value, so the caller decides what a failed send means. */
export async function sendEmail(ses: SESv2Client, email: OutgoingEmail): Promise<SendResult> {
  try {
    const response = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: email.from,
        Destination: { ToAddresses: [...email.to] },
        ReplyToAddresses: email.replyTo ? [...email.replyTo] : undefined,
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
          },
        },
      }),
    );
    if (!response.MessageId) return { ok: false, error: new Error('SES returned no MessageId'), retryable: true };
    return { ok: true, messageId: response.MessageId };
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
    return { ok: false, error: err, retryable: RETRYABLE.has(err.name) || status >= 500 };
  }
}
