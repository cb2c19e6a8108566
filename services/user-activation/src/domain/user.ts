import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { oneLine } from '@zero-idle/core';
import * as z from 'zod/mini';

/** NONE: registered, no mail yet. MAIL_SENT: the activation mail for the current token went out. DONE: active. */
export type ActivationStatus = 'NONE' | 'MAIL_SENT' | 'DONE';

export interface User {
  username: string;
  email: string;
  name: string;
  status: ActivationStatus;
  /** Bumped by every resend; each version has its own token, execution and email. */
  tokenVersion: number;
  /** Random, not secret on its own: the token is an HMAC of it under a key the table never sees. */
  tokenNonce: string;
  tokenExpiresAt: number;
  createdAt: string;
  renewedAt?: number;
  mailSentAt?: string;
  mailMessageId?: string;
  activatedAt?: string;
  activationFailure?: { error: string; cause: string; at: string; tokenVersion: number };
}

export const registration = z.object({
  username: z
    .string()
    .check(z.trim(), z.toLowerCase(), z.regex(/^[a-z0-9][a-z0-9_-]{2,31}$/, 'a username is 3-32 letters, digits, "-" or "_", starting with a letter or digit')),
  email: z.string().check(z.trim(), z.toLowerCase(), z.email('email must be an email address'), z.maxLength(254)),
  // Shown in the email's subject and body and on pages: one line, no control or bidirectional characters.
  name: z.string().check(z.overwrite(oneLine), z.minLength(1, 'a name is required'), z.maxLength(100, 'a name is at most 100 characters')),
});
export type Registration = z.infer<typeof registration>;

/** A new token version: a fresh 128-bit nonce and its expiry. */
export function newToken(now: number, ttlHours: number): { tokenNonce: string; tokenExpiresAt: number } {
  return { tokenNonce: randomBytes(16).toString('base64url'), tokenExpiresAt: now + ttlHours * 3_600_000 };
}

/** The token in the email: HMAC-SHA256 of the user's current token version under the service's secret. */
export function activationToken(secret: string, user: Pick<User, 'username' | 'tokenVersion' | 'tokenNonce'>): string {
  return createHmac('sha256', secret).update(`${user.username}:${user.tokenVersion}:${user.tokenNonce}`).digest('base64url');
}

export type TokenCheck = 'valid' | 'invalid' | 'expired' | 'already-active';

/** Checks a presented token in constant time; the caller answers every failure the same way. */
export function checkToken(secret: string, user: User | undefined, presented: string, now: number): TokenCheck {
  if (!user) return 'invalid';
  if (user.status === 'DONE') return 'already-active';
  const expected = Buffer.from(activationToken(secret, user));
  const given = Buffer.from(presented);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
  return user.tokenExpiresAt < now ? 'expired' : 'valid';
}

/** Where a token version stands: the workflow sends only for NONE; MISSING and SUPERSEDED send nothing. */
export function statusOf(user: User | undefined, tokenVersion: number): ActivationStatus | 'MISSING' | 'SUPERSEDED' {
  if (!user) return 'MISSING';
  return user.tokenVersion === tokenVersion ? user.status : 'SUPERSEDED';
}

/** The link in the email; values are URL-encoded. */
export function activationLink(baseUrl: string, username: string, token: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set('username', username);
  url.searchParams.set('token', token);
  return url.toString();
}

/** Execution names come from the user and the token version, so a redelivered stream record starts nothing new. */
export function executionName(username: string, tokenVersion: number): string {
  return `${username}-v${tokenVersion}`;
}
