// As authors and the editor use it: mail a story over SMTP, read the inbox, work the queue with the CLI.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { emailsTo, functionStats, waitForCompleted, waitForEmails } from '@zero-idle/local-cloud/testing';
import { submissionId } from '../../src/domain/submission';
import { EDITOR, editor, INBOX, listKeys, mailer, objectBytes, objectExists, PROCESS, waitForSubmission } from '../support/mail';

const author = () => `author-${randomBytes(4).toString('hex')}@example.com`;
const messageId = () => `<${randomBytes(8).toString('hex')}@example.com>`;
const docx = (size = 64 * 1024) => randomBytes(size);

describe('story-submissions end to end', () => {
  it('takes a story with a .docx from email to the editor and back to the author', async () => {
    const from = author();
    const id = messageId();
    const manuscript = docx();
    await mailer().sendMail({
      from: `Ada Author <${from}>`,
      to: INBOX,
      subject: 'The Clockwork Garden',
      messageId: id,
      text: 'Dear editors, my story is attached.',
      attachments: [
        { filename: 'clockwork-garden.docx', content: manuscript, contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
      ],
    });
    const submission = await waitForSubmission(submissionId(id, ''));
    expect(submission).toMatchObject({
      state: 'unread',
      title: 'The Clockwork Garden',
      authorName: 'Ada Author',
      authorEmail: from,
      verdicts: { spam: 'PASS', virus: 'PASS' },
    });
    expect(submission?.rawKey).toMatch(/^inbox\//);
    expect(await objectExists(submission?.rawKey ?? '')).toBe(true);
    expect(submission?.parts?.map((part) => part.name).sort()).toEqual(['body.txt', 'clockwork-garden.docx']);
    expect((await objectBytes(submission?.manuscript?.key ?? '')).equals(manuscript)).toBe(true);
    expect((await waitForEmails(from)).map((email) => email.subject)).toEqual(['We received your submission: The Clockwork Garden']);
    expect((await emailsTo(EDITOR)).some((email) => email.subject === 'New submission: The Clockwork Garden by Ada Author')).toBe(true);

    expect((await editor('queue')).stdout).toMatch(/unread\s+\d+/);
    const taken = JSON.parse((await editor('take')).stdout) as { id: string; state: string };
    expect(taken).toMatchObject({ id: submission?.id, state: 'reading' });
    const out = await mkdtemp(join(tmpdir(), 'editor-'));
    const { stdout, stderr } = await editor('download', taken.id, '--out', out);
    expect(stderr).toContain('100% of');
    expect(readFileSync(stdout.trim()).equals(manuscript)).toBe(true);
    expect((await editor('set', taken.id, 'rejected')).stdout).toContain(`is rejected; ${from} has been told`);
    expect((await waitForSubmission(taken.id, (s) => s.state === 'rejected'))?.state).toBe('rejected');
    const decision = await waitForEmails(from, 2);
    expect(decision[1]?.subject).toBe('Your story "The Clockwork Garden"');
    expect(decision[1]?.body.text).toContain('Dear Ada Author');
    await expect(editor('set', taken.id, 'accepted')).rejects.toMatchObject({ stderr: expect.stringContaining('take it first') });
  });

  it('makes one submission and one confirmation from a message delivered twice', async () => {
    const from = author();
    const id = messageId();
    const message = {
      from,
      to: INBOX,
      subject: 'Twice told',
      messageId: id,
      text: 'Attached.',
      attachments: [{ filename: 'twice.docx', content: docx(1024) }],
    };
    await mailer().sendMail(message);
    await mailer().sendMail(message);
    await waitForSubmission(submissionId(id, ''));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await emailsTo(from)).toHaveLength(1);
  });

  it('makes one submission, one confirmation and one editor notification from five copies delivered at once', async () => {
    const from = author();
    const id = messageId();
    const subject = `Five times told ${randomBytes(3).toString('hex')}`;
    const message = { from, to: INBOX, subject, messageId: id, text: 'Attached.', attachments: [{ filename: 'five.docx', content: docx(2048) }] };
    const before = await functionStats(PROCESS);
    // Five stored copies, five notifications: the function's instances race for one claim.
    await Promise.all(Array.from({ length: 5 }, () => mailer().sendMail(message)));
    const after = await waitForCompleted(PROCESS, before.completed + 5);
    expect(after.errors).toBe(before.errors);
    const submission = await waitForSubmission(submissionId(id, ''));
    expect(submission?.state).toBe('unread');
    expect(await emailsTo(from)).toHaveLength(1);
    expect((await emailsTo(EDITOR)).filter((email) => email.subject.includes(subject))).toHaveLength(1);
    expect((await listKeys(`submissions/${submission?.id}/`)).sort()).toEqual(submission?.parts?.map((part) => part.key).sort());
  });

  it('stores an attachment with a hostile name under a safe key', async () => {
    const id = messageId();
    await mailer().sendMail({
      from: author(),
      to: INBOX,
      subject: 'Escape',
      messageId: id,
      text: 'x',
      attachments: [
        { filename: '../../etc/passwd', content: 'root:x:0:0' },
        { filename: 'story.pdf', content: docx(512) },
      ],
    });
    const submission = await waitForSubmission(submissionId(id, ''));
    const keys = submission?.parts?.map((part) => part.key) ?? [];
    expect(keys.every((key) => key.startsWith(`submissions/${submission?.id}/`) && !key.includes('..'))).toBe(true);
    expect(keys.some((key) => /\/attachments\/\d+-passwd$/.test(key))).toBe(true);
    expect(submission?.manuscript?.name).toBe('story.pdf');
  });

  it('answers a message without a manuscript with a helpful reply', async () => {
    const from = author();
    const id = messageId();
    await mailer().sendMail({ from, to: INBOX, subject: 'My story', messageId: id, text: 'Here is my story: once upon a time...' });
    expect(await waitForSubmission(submissionId(id, ''))).toMatchObject({ state: 'no-manuscript' });
    const [reply] = await waitForEmails(from);
    expect(reply?.subject).toBe('Your submission had no manuscript: My story');
    expect(reply?.body.text).toContain('.docx');
    expect(await emailsTo(EDITOR).then((emails) => emails.some((email) => email.subject.includes('My story')))).toBe(false);
  });

  it('keeps a malformed message and records the failure', async () => {
    const raw = ['Subject: broken', 'Content-Type: multipart/mixed; boundary="nope"', '', '--wrong-boundary', 'garbage without an end', ''].join('\r\n');
    await mailer().sendMail({ envelope: { from: 'someone@example.com', to: [INBOX] }, raw });
    // No Message-ID: the submission is named after its stored copy, so find the newest failure.
    const deadline = Date.now() + 20_000;
    let failed: Awaited<ReturnType<typeof waitForSubmission>>;
    const { store } = await import('../support/mail');
    while (!failed && Date.now() < deadline) {
      failed = (await store.oldest('failed', 50)).find((submission) => submission.error?.includes('no sender address'));
      if (!failed) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(failed).toMatchObject({ state: 'failed', error: expect.stringContaining('no sender address') });
    expect(await objectExists(failed?.rawKey ?? '')).toBe(true);
  });

  it('records and flags spam without answering it', async () => {
    const from = author();
    const id = messageId();
    await mailer().sendMail({
      from,
      to: INBOX,
      subject: 'Cheap watches',
      messageId: id,
      text: 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X',
      attachments: [{ filename: 'offer.docx', content: docx(256) }],
    });
    expect(await waitForSubmission(submissionId(id, ''))).toMatchObject({ state: 'flagged', verdicts: { spam: 'FAIL', virus: 'PASS' } });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await emailsTo(from)).toHaveLength(0);
  });

  it('processes a message near the 40 MB SES limit', async () => {
    const from = author();
    const id = messageId();
    const manuscript = docx(28 * 1024 * 1024);
    await mailer().sendMail({
      from,
      to: INBOX,
      subject: 'The long novel',
      messageId: id,
      text: 'All of it.',
      attachments: [{ filename: 'novel.docx', content: manuscript }],
    });
    const submission = await waitForSubmission(submissionId(id, ''), (s) => s.state !== 'receiving', 90_000);
    expect(submission).toMatchObject({ state: 'unread', manuscript: { name: 'novel.docx', size: manuscript.length } });
    expect(submission?.rawSize).toBeGreaterThan(38 * 1024 * 1024);
    expect((await objectBytes(submission?.manuscript?.key ?? '')).equals(manuscript)).toBe(true);
  }, 120_000);
});
