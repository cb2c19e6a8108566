// Given: a message as an author's mail client builds it, and as SES stores it.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { BUCKET, s3 } from '../support/mail';
import { storedBySes } from '../support/twins';

export { compose as aMessage, submissionIdOf as theSubmissionIdOf } from '../support/mail';

/** The message stored under inbox/ as SES's receipt rule stores it (its headers added); the key. */
export async function aStoredMessage(raw: Buffer, envelopeFrom: string, rawKey = `inbox/${Date.now()}-${Math.random().toString(36).slice(2)}`) {
  const stored = storedBySes(raw, envelopeFrom);
  await s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: rawKey, Body: stored }));
  return { rawKey, size: stored.length };
}
