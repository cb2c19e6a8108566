import { createHandler, sendEmail } from '@zero-idle/core';
import { required, sesClient, store } from '../dependencies';
import { activationEmail } from '../domain/emails';
import { activationLink, activationToken } from '../domain/user';
import { activationInput } from './getActivationStatus';

const secret = required('ACTIVATION_SECRET');
const baseUrl = required('ACTIVATION_BASE_URL');
const sender = required('SENDER_EMAIL');
const ses = sesClient();

/** A send that may succeed on a retry (throttling, SES unavailable); the state machine retries it. */
class MailNotSent extends Error {
  override name = 'MailNotSent';
}
/** A send SES refused for good (a rejected address, say); retrying cannot help. */
class MailRejected extends Error {
  override name = 'MailRejected';
}

/**
 * SendActivationMail: NONE -> MAIL_SENT for this token version before sending, so of two racing
 * executions only one sends; a failed send takes the way back (MAIL_SENT -> NONE) and fails the task.
 */
export const handler = createHandler({ event: activationInput }, async ({ username, tokenVersion }, { log }) => {
  log({ username, tokenVersion });
  const user = await store.claimMail(username, tokenVersion);
  if (!user) {
    log({ sent: false, reason: 'already sent, activated or superseded' });
    return { sent: false };
  }
  const link = activationLink(baseUrl, user.username, activationToken(secret, user));
  const email = activationEmail({ name: user.name, username: user.username, link, expiresAt: user.tokenExpiresAt });
  const result = await sendEmail(ses, { from: sender, to: [user.email], ...email });
  if (!result.ok) {
    await store.releaseMail(username, tokenVersion);
    const message = `Activation email to ${username} not sent: ${result.error.name}: ${result.error.message}`;
    throw result.retryable ? new MailNotSent(message) : new MailRejected(message);
  }
  await store.recordMailSent(username, tokenVersion, result.messageId, Date.now());
  log({ sent: true, messageId: result.messageId });
  return { sent: true, messageId: result.messageId };
});
