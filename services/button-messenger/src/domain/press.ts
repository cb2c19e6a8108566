import type { ComposedEmail, SendResult } from '@zero-idle/core';
import { composeEmail } from '@zero-idle/core';
import { type Button, CLAIM_LEASE_MS, secretMatches } from './button';

export type ClickType = 'SINGLE' | 'DOUBLE' | 'LONG';

/** A press, whatever carried it: an IoT button, IoT 1-Click, or the HTTPS trigger (with its secret). */
export interface Press {
  buttonId: string;
  clickType: ClickType;
  source: 'iot' | 'iot-1-click' | 'http';
  secret?: string;
}

export type PressOutcome =
  | { outcome: 'sent'; messageId: string; recipients: number }
  | { outcome: 'already-sent'; sentAt?: string }
  | { outcome: 'in-progress' }
  | { outcome: 'failed'; error: string; retryable: boolean }
  | { outcome: 'unknown-button' }
  | { outcome: 'unauthorized' };

export type ClaimResult = { claimed: true; button: Button } | { claimed: false; button?: Button };

/** The store operations a press needs; every one is a single conditional write. */
export interface PressStore {
  claim(buttonId: string, claimId: string, now: number, staleBefore: number, secretHash?: string): Promise<ClaimResult>;
  markSent(buttonId: string, claimId: string, messageId: string, now: number): Promise<void>;
  release(buttonId: string, claimId: string, error: string, now: number): Promise<void>;
}

export interface PressDependencies {
  store: PressStore;
  send(from: string, to: readonly string[], email: ComposedEmail): Promise<SendResult>;
  now(): number;
  newClaimId(): string;
  hashSecret(secret: string): string;
}

const PRESS_TEMPLATE = {
  subject: '{{subject}}',
  text: '{{message}}',
  html: '<div style="font-family:sans-serif;white-space:pre-wrap">{{message}}</div>',
};

export function pressEmail(button: Pick<Button, 'subject' | 'message'>): ComposedEmail {
  return composeEmail(PRESS_TEMPLATE, { subject: button.subject, message: button.message });
}

/** The same email to the sender only, marked as a test; it never touches the button's state. */
export function testEmail(button: Pick<Button, 'subject' | 'message'>): ComposedEmail {
  return pressEmail({ ...button, subject: `[test] ${button.subject}` });
}

/** Why a claim was refused, from the row as it was when the condition failed. */
export function refusal(press: Press, button: Button | undefined): PressOutcome {
  if (!button) return { outcome: 'unknown-button' };
  if (press.source === 'http' && !secretMatches(press.secret ?? '', button.secretHash)) return { outcome: 'unauthorized' };
  if (button.state === 'SENT') return { outcome: 'already-sent', sentAt: button.sentAt };
  // SENDING under a live claim (or a claim that just ended): another press is sending right now.
  return { outcome: 'in-progress' };
}

/**
 * Sends the button's email at most once. A press first claims the button with a conditional write
 * (ARMED -> SENDING), so of racing presses exactly one sends; the send then either completes the
 * claim (SENT) or gives it back (ARMED), so a failed send never burns the button.
 */
export async function pressButton(deps: PressDependencies, press: Press): Promise<PressOutcome> {
  const now = deps.now();
  const claimId = deps.newClaimId();
  // The HTTPS trigger proves itself in the same write: a wrong secret cannot claim.
  const secretHash = press.source === 'http' ? deps.hashSecret(press.secret ?? '') : undefined;
  const claim = await deps.store.claim(press.buttonId, claimId, now, now - CLAIM_LEASE_MS, secretHash);
  if (!claim.claimed) return refusal(press, claim.button);

  const { button } = claim;
  const result = await deps.send(button.sender, button.recipients, pressEmail(button));
  if (!result.ok) {
    await deps.store.release(press.buttonId, claimId, `${result.error.name}: ${result.error.message}`, deps.now());
    return { outcome: 'failed', error: result.error.message, retryable: result.retryable };
  }
  await deps.store.markSent(press.buttonId, claimId, result.messageId, deps.now());
  return { outcome: 'sent', messageId: result.messageId, recipients: button.recipients.length };
}
