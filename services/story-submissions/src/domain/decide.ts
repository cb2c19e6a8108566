import type { Claims, ComposedEmail, SendResult } from '@zero-idle/core';
import { canDecide, type Decision, type Submission } from './submission';

/**
 * How long an editor's `set` holds a decision's email: longer than an SES send with the SDK's
 * retries, so a `set` that was interrupted (Ctrl-C, a lost connection) is taken over by the next.
 */
export const DECISION_EMAIL_LEASE_MS = 60_000;

/** One email per decision the editor records. */
export interface DecisionEmailId {
  id: string;
  decision: Decision;
  decidedAt: string;
}

export interface DecisionRecords {
  get(id: string): Promise<Submission | undefined>;
  /** reading or held -> the decision, with when it was made; false when another editor moved it first. */
  decide(id: string, decision: Decision, decidedAt: string): Promise<boolean>;
}

export interface DecideDependencies {
  records: DecisionRecords;
  emails: Claims<DecisionEmailId>;
  compose(decision: Decision, values: { name: string; title: string }): ComposedEmail;
  send(to: string, email: ComposedEmail): Promise<SendResult>;
  now(): number;
}

/** The editor's mistake or a race lost: nothing was sent, and the message says what to do. */
export class DecisionRefused extends Error {
  override name = 'DecisionRefused';
}

/**
 * The editor's decision and the author's email about it, once: the move is one conditional write,
 * then the email is claimed, sent and completed. When the send fails the decision stays recorded and
 * the claim is given back, so `set` with the same decision again sends the email (and only it).
 */
export async function decide(deps: DecideDependencies, id: string, decision: Decision): Promise<{ submission: Submission; told: 'now' | 'before' }> {
  const submission = await deps.records.get(id);
  if (!submission) throw new DecisionRefused(`No submission ${id}`);
  let decidedAt = submission.state === decision ? submission.decidedAt : undefined;
  if (!decidedAt) {
    if (!canDecide(submission.state))
      throw new DecisionRefused(`Submission ${id} is ${submission.state}: take it first (only reading or held submissions get a decision)`);
    decidedAt = new Date(deps.now()).toISOString();
    if (!(await deps.records.decide(id, decision, decidedAt))) throw new DecisionRefused(`Submission ${id} changed meanwhile; look again`);
  }
  const email = { id, decision, decidedAt };
  const claim = await deps.emails.claim(email, deps.now());
  if (claim.state === 'done') return { submission, told: 'before' };
  if (claim.state !== 'claimed') throw new DecisionRefused(`The ${decision} email for ${id} is being sent by another editor right now; look again in a minute`);
  const result = await deps.send(submission.authorEmail ?? '', deps.compose(decision, { name: submission.authorName ?? '', title: submission.title ?? '' }));
  if (!result.ok) {
    await deps.emails.release(email, claim.token, result.error.message);
    throw new Error(`Recorded ${decision}, but the email to ${submission.authorEmail} failed: ${result.error.message}; run the same set again to send it`);
  }
  await deps.emails.complete(email, claim.token, deps.now(), { messageId: result.messageId });
  return { submission, told: 'now' };
}
