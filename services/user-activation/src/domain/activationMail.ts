import { oneLine } from '@zero-idle/core';
import { activationEmail } from './emails';
import type { Clock, MailClaims, Mailer, MailId } from './ports';
import { activationLink, activationToken, type User } from './user';

/**
 * sendActivationMail's timeout is 10 s: a claim older than this belongs to an invocation that died
 * (the state machine's retries of MailInProgress wait past it).
 */
export const MAIL_LEASE_MS = 30_000;

/** A send that may succeed on a retry (throttling, SES unavailable); the state machine retries it. */
export class MailNotSent extends Error {
  override name = 'MailNotSent';
}
/** A send SES refused for good (a rejected address, say); retrying cannot help. */
export class MailRejected extends Error {
  override name = 'MailRejected';
}
/** Another invocation holds the claim; the state machine retries after the lease, when it is done or free. */
export class MailInProgress extends Error {
  override name = 'MailInProgress';
}

export interface MailDependencies {
  claims: MailClaims;
  mailer: Mailer;
  clock: Clock;
  settings: { secret: string; baseUrl: string; sender: string };
}

/**
 * The one activation email of a token version: claimed on the user item first (so of racing
 * executions one sends), completed as MAIL_SENT after, given back when SES refuses it.
 */
export async function sendActivationMail(deps: MailDependencies, mail: MailId): Promise<{ sent: false; reason: string } | { sent: true; messageId: string }> {
  const claim = await deps.claims.claim(mail, deps.clock.now());
  if (claim.state === 'held')
    throw new MailInProgress(`The activation email to ${mail.username} (version ${mail.tokenVersion}) is being sent by another invocation`);
  if (claim.state !== 'claimed') return { sent: false, reason: claim.state === 'done' ? 'already sent' : 'activated, superseded or unknown' };
  const user = claim.item as unknown as User;
  const link = activationLink(deps.settings.baseUrl, user.username, activationToken(deps.settings.secret, user));
  const email = activationEmail({ name: oneLine(user.name), username: user.username, link, expiresAt: user.tokenExpiresAt });
  const result = await deps.mailer.send({ from: deps.settings.sender, to: [user.email], ...email });
  if (!result.ok) {
    await deps.claims.release(mail, claim.token, `${result.error.name}: ${result.error.message}`);
    const message = `Activation email to ${mail.username} not sent: ${result.error.name}: ${result.error.message}`;
    throw result.retryable ? new MailNotSent(message) : new MailRejected(message);
  }
  const now = deps.clock.now();
  await deps.claims.complete(mail, claim.token, now, {
    status: 'MAIL_SENT',
    mailMessageId: result.messageId,
    mailSentAt: new Date(now).toISOString(),
    activationFailure: undefined,
  });
  return { sent: true, messageId: result.messageId };
}
