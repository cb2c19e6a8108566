import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';

/** ARMED: the next press sends. SENDING: one press holds the claim. SENT: presses send nothing. */
export type ButtonState = 'ARMED' | 'SENDING' | 'SENT';

export interface Button {
  buttonId: string;
  sender: string;
  recipients: string[];
  subject: string;
  message: string;
  state: ButtonState;
  secretHash?: string;
  claimId?: string;
  claimedAt?: number;
  attempts?: number;
  sentAt?: string;
  messageId?: string;
  lastError?: string;
  updatedAt?: string;
}

/** What a person may configure on a button; the rest is the button's own state. */
export const buttonSettings = z.object({
  buttonId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'a button id is 1-64 letters, digits, "-" or "_" (an IoT button serial, say)')),
  sender: z.email('sender must be an email address SES may send from'),
  recipients: z
    .array(z.email('every recipient must be an email address'))
    .check(z.minLength(1, 'at least one recipient'), z.maxLength(50, 'SES takes at most 50 recipients')),
  subject: z.string().check(z.trim(), z.minLength(1, 'a subject is required'), z.maxLength(200)),
  message: z.string().check(z.trim(), z.minLength(1, 'a message is required'), z.maxLength(10_000)),
});
export type ButtonSettings = z.infer<typeof buttonSettings>;

/**
 * A claim older than this is abandoned (the pressing function died mid-send) and a new press may
 * take it over. It must exceed the function timeout so a live send is never doubled.
 */
export const CLAIM_LEASE_MS = 60_000;

/** A per-button secret for the HTTPS trigger: shown once, stored only as a hash. */
export function newButtonSecret(): { secret: string; secretHash: string } {
  const secret = randomBytes(24).toString('base64url');
  return { secret, secretHash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time check of a presented secret against the stored hash. */
export function secretMatches(secret: string, secretHash: string | undefined): boolean {
  if (!secretHash) return false;
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(secretHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
