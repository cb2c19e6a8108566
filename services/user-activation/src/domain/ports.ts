export type { Clock } from '@zero-idle/core';

import type { Claims, OutgoingEmail, SendResult } from '@zero-idle/core';
import type { User } from './user';

/** One activation email per user and token version. */
export interface MailId {
  username: string;
  tokenVersion: number;
}

/** The claims on activation emails (on the user item in production, a map in unit tests). */
export type MailClaims = Claims<MailId>;

/** Sends an email (SES in production); a refusal comes back as a value. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<SendResult>;
}

/** Starts the activation workflow for a token version; one execution per version, whoever asks twice. */
export interface Activations {
  start(mail: MailId): Promise<'started' | 'duplicate'>;
}

/** How often anyone may ask for an activation email for a username, known or not. */
export interface ResendThrottle {
  take(username: string, now: number, limits: ResendLimits): Promise<'allowed' | 'too-soon' | 'limit'>;
}

export interface ResendLimits {
  cooldownMs: number;
  maxResends: number;
}

export interface TokenRenewal {
  /** A new token version for a user who is not active; undefined for an unknown or active user. */
  renewToken(username: string, token: { tokenNonce: string; tokenExpiresAt: number }, now: number): Promise<User | undefined>;
}
