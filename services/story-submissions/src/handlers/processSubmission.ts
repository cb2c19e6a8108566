import { createHandler, sendEmail } from '@zero-idle/core';
import * as z from 'zod/mini';
import { config, s3, ses, store } from '../dependencies';
import { confirmationEmail, editorNotification, noManuscriptEmail } from '../domain/emails';
import { isFlagged, manuscriptOf, type Submission, submissionId } from '../domain/submission';
import { failureRecord, parseStoredMessage } from '../process';

const s3Event = z.object({
  Records: z.array(
    z.object({
      eventTime: z.string(),
      s3: z.object({ bucket: z.object({ name: z.string() }), object: z.object({ key: z.string(), size: z.optional(z.number()) }) }),
    }),
  ),
});

async function send(to: string, email: ReturnType<typeof confirmationEmail>): Promise<string | undefined> {
  const result = await sendEmail(ses, { from: config.SUBMISSIONS_ADDRESS, to: [to], ...email });
  return result.ok ? undefined : `${to}: ${result.error.message}`;
}

/**
 * A message SES stored in the bucket: parse it as a stream, store its parts, record the submission,
 * and write to the author and the editor. Duplicates make nothing; spam or viruses are recorded and
 * flagged, never answered; a message that cannot be processed gets a failure record, and its raw
 * copy stays in the bucket.
 */
export const handler = createHandler({ event: s3Event }, async (event, { log }) => {
  const outcomes: string[] = [];
  for (const record of event.Records) {
    const rawKey = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const receivedAt = record.eventTime;
    let parsed: Awaited<ReturnType<typeof parseStoredMessage>>;
    try {
      parsed = await parseStoredMessage(s3, record.s3.bucket.name, rawKey, (id) => store.claim(id, rawKey, receivedAt));
    } catch (error) {
      await store.finish(failureRecord(submissionId(undefined, rawKey), rawKey, receivedAt, error as Error));
      log({ rawKey, outcome: 'failed', error: (error as Error).message });
      outcomes.push('failed');
      continue;
    }
    const base: Submission = {
      id: parsed.id,
      state: 'receiving',
      rawKey,
      receivedAt,
      rawSize: record.s3.object.size,
      title: parsed.subject || '(no subject)',
      authorName: parsed.from?.name,
      authorEmail: parsed.from?.address,
      verdicts: parsed.verdicts,
    };
    if (parsed.duplicate) {
      outcomes.push('duplicate');
      continue;
    }
    if (isFlagged(parsed.verdicts)) {
      await store.finish({ ...base, state: 'flagged' });
      outcomes.push('flagged');
      continue;
    }
    if (!parsed.from) {
      await store.finish(failureRecord(parsed.id, rawKey, receivedAt, new Error('The message has no sender address to answer')));
      outcomes.push('failed');
      continue;
    }
    const manuscript = manuscriptOf(parsed.parts);
    const submission: Submission = { ...base, state: manuscript ? 'unread' : 'no-manuscript', parts: parsed.parts, manuscript };
    await store.finish(submission);
    const values = { name: parsed.from.name, title: submission.title ?? '', id: parsed.id };
    const failures = manuscript
      ? [
          await send(parsed.from.address, confirmationEmail(values)),
          await send(config.EDITOR_EMAIL, editorNotification({ ...values, email: parsed.from.address, manuscript: manuscript.name })),
        ]
      : [await send(parsed.from.address, noManuscriptEmail(values))];
    const emailError = failures.filter(Boolean).join('; ');
    // A failed email is kept on the record for the editor to see; the submission itself is safe.
    if (emailError) await store.finish({ ...submission, error: `email: ${emailError}` });
    outcomes.push(submission.state);
    log({ id: parsed.id, state: submission.state, parts: parsed.parts.length, emailError: emailError || undefined });
  }
  log({ outcomes });
  return { outcomes };
});
