// As authors and the editor use it: mail a story over SMTP, read the inbox, work the queue with the CLI.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { functionStats, injectFault, waitForCompleted } from '@zero-idle/local-cloud/testing';
import * as given from '../steps/given';
import * as then from '../steps/then';
import { asPeople as when } from '../steps/when';
import { EDITOR, INBOX, PROCESS, store } from '../support/mail';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const author = () => `author-${randomBytes(4).toString('hex')}@example.com`;
const messageId = () => `<${randomBytes(8).toString('hex')}@example.com>`;
const docx = (size = 64 * 1024) => randomBytes(size);

describe('story-submissions end to end', () => {
  it('takes a story with a .docx from email to the editor and back to the author', async () => {
    const from = author();
    const manuscript = docx();
    const raw = await given.aMessage({
      from: `Ada Author <${from}>`,
      to: INBOX,
      subject: 'The Clockwork Garden',
      messageId: messageId(),
      text: 'Dear editors, my story is attached.',
      attachments: [{ filename: 'clockwork-garden.docx', content: manuscript, contentType: DOCX }],
    });
    await when.aStoryIsMailed(raw);
    const submission = await then.theSubmission(await given.theSubmissionIdOf(raw));
    expect(submission).toMatchObject({
      state: 'unread',
      title: 'The Clockwork Garden',
      authorName: 'Ada Author',
      authorEmail: from,
      verdicts: { spam: 'PASS', virus: 'PASS', spf: 'PASS', dmarc: 'PASS' },
    });
    expect(submission?.rawKey).toMatch(/^inbox\//);
    expect(await then.anObjectAt(submission?.rawKey ?? '')).toBe(true);
    expect(submission?.parts?.map((part) => part.name).sort()).toEqual(['1-clockwork-garden.docx', 'body.txt']);
    expect((await then.theObject(submission?.manuscript?.key ?? '')).equals(manuscript)).toBe(true);
    expect((await then.emailsArrive(from)).map((email) => email.subject)).toEqual(['We received your submission: The Clockwork Garden']);
    expect((await then.emailsTo(EDITOR)).some((email) => email.subject === 'New submission: The Clockwork Garden by Ada Author')).toBe(true);

    expect((await when.theEditorRuns('queue')).stdout).toMatch(/unread\s+\d+/);
    // Other tests' stories arrive meanwhile: the oldest unread is one at least as old as this one.
    const oldest = JSON.parse((await when.theEditorRuns('take')).stdout) as { id: string; state: string; receivedAt: string };
    expect(oldest.state).toBe('reading');
    expect(oldest.receivedAt <= (submission?.receivedAt ?? '')).toBe(true);
    expect((await store.get(oldest.id))?.state).toBe('reading');
    const taken =
      oldest.id === submission?.id ? oldest : (JSON.parse((await when.theEditorRuns('take', submission?.id ?? '')).stdout) as { id: string; state: string });
    expect(taken).toMatchObject({ id: submission?.id, state: 'reading' });
    await expect(when.theEditorRuns('take', taken.id)).rejects.toMatchObject({ stderr: expect.stringContaining('is not unread (reading)') });
    const out = await mkdtemp(join(tmpdir(), 'editor-'));
    const { stdout, stderr } = await when.theEditorRuns('download', submission?.id ?? '', '--out', out);
    expect(stderr).toContain(`100% of ${manuscript.length} bytes`);
    expect(readFileSync(stdout.trim()).equals(manuscript)).toBe(true);
    const body = await when.theEditorRuns('download', submission?.id ?? '', 'body.txt', '--out', out);
    expect(readFileSync(body.stdout.trim(), 'utf8')).toContain('my story is attached');
    expect((await when.theEditorRuns('show', submission?.id ?? '')).stdout).toContain(
      `clockwork-garden.docx  ${DOCX}  ${manuscript.length} bytes  (manuscript)`,
    );
    expect((await when.theEditorRuns('set', taken.id, 'rejected')).stdout).toContain(`is rejected; ${from} has been told`);
    const decision = await then.emailsArrive(from, 2);
    expect(decision[1]?.subject).toBe('Your story "The Clockwork Garden"');
    await expect(when.theEditorRuns('set', taken.id, 'accepted')).rejects.toMatchObject({ stderr: expect.stringContaining('take it first') });
    // The same set again records nothing new and emails nobody.
    expect((await when.theEditorRuns('set', taken.id, 'rejected')).stdout).toContain(`is rejected; ${from} was told before`);
    expect(await then.emailsTo(from)).toHaveLength(2);
  });

  it("keeps the editor's decision when its email fails, and sends it once on the next set", async () => {
    const from = author();
    const raw = await given.aMessage({
      from,
      to: INBOX,
      subject: 'Held Over',
      messageId: messageId(),
      text: 'Attached.',
      attachments: [{ filename: 'held.docx', content: docx() }],
    });
    await when.aStoryIsMailed(raw);
    const submission = await then.theSubmission(await given.theSubmissionIdOf(raw));
    await then.emailsArrive(from);
    await when.theEditorRuns('take', submission?.id ?? '');
    await injectFault({ service: 'ses', action: 'SendEmail', match: from, count: 3, status: 503, code: 'ServiceUnavailable', message: 'SES is down' });
    await expect(when.theEditorRuns('set', submission?.id ?? '', 'accepted')).rejects.toMatchObject({
      stderr: expect.stringContaining(`Recorded accepted, but the email to ${from} failed: SES is down; run the same set again to send it`),
    });
    expect((await store.get(submission?.id ?? ''))?.state).toBe('accepted');
    expect((await when.theEditorRuns('set', submission?.id ?? '', 'accepted')).stdout).toContain(`is accepted; ${from} has been told`);
    expect((await when.theEditorRuns('set', submission?.id ?? '', 'accepted')).stdout).toContain('was told before');
    expect((await then.emailsTo(from)).map((email) => email.subject)).toEqual(['We received your submission: Held Over', 'Your story "Held Over" is accepted']);
  });

  // The same bytes delivered again and again at once (a server retrying, SES storing twice): one
  // submission, one confirmation, one editor notification, whatever the timing.
  it.each([
    [3, 1024, 20],
    [10, 1024, 20],
    [3, 12 * 1024 * 1024, 3],
    [10, 12 * 1024 * 1024, 2],
  ])(
    'makes one submission and one of each email from %d copies of a %d-byte story, %d rounds',
    async (copies, size, rounds) => {
      for (let round = 0; round < rounds; round += 1) {
        const from = author();
        const subject = `Told ${copies} times ${randomBytes(3).toString('hex')}`;
        const raw = await given.aMessage({
          from,
          to: INBOX,
          subject,
          messageId: messageId(),
          text: 'Attached.',
          attachments: [{ filename: 'many.docx', content: docx(size) }],
        });
        const before = await functionStats(PROCESS);
        await Promise.all(Array.from({ length: copies }, () => when.aStoryIsMailed(raw)));
        const after = await waitForCompleted(PROCESS, before.completed + copies, 90_000);
        expect(after.errors).toBe(before.errors);
        const submission = await then.theSubmission(await given.theSubmissionIdOf(raw));
        expect(submission?.state).toBe('unread');
        expect(await then.emailsTo(from)).toHaveLength(1);
        expect((await then.emailsTo(EDITOR)).filter((email) => email.subject.includes(subject))).toHaveLength(1);
        expect((await then.theKeysUnder(`submissions/${submission?.id}/`)).sort()).toEqual(submission?.parts?.map((part) => part.key).sort());
      }
    },
    300_000,
  );

  it('keeps a different message that reuses a Message-ID, and answers it', async () => {
    const id = messageId();
    const first = await given.aMessage({
      from: author(),
      to: INBOX,
      subject: 'First',
      messageId: id,
      text: 'x',
      attachments: [{ filename: 'a.docx', content: docx(100) }],
    });
    const otherAuthor = author();
    const other = await given.aMessage({
      from: otherAuthor,
      to: INBOX,
      subject: 'Other',
      messageId: id,
      text: 'y',
      attachments: [{ filename: 'b.pdf', content: docx(200) }],
    });
    await when.aStoryIsMailed(first);
    await then.theSubmission(await given.theSubmissionIdOf(first));
    await when.aStoryIsMailed(other);
    expect(await then.theSubmission(await given.theSubmissionIdOf(other))).toMatchObject({ state: 'unread', title: 'Other', authorEmail: otherAuthor });
    expect((await then.emailsArrive(otherAuthor)).map((email) => email.subject)).toEqual(['We received your submission: Other']);
  });

  it('answers a message without a manuscript with a helpful reply', async () => {
    const from = author();
    const raw = await given.aMessage({ from, to: INBOX, subject: 'My story', messageId: messageId(), text: 'Here is my story: once upon a time...' });
    await when.aStoryIsMailed(raw);
    expect(await then.theSubmission(await given.theSubmissionIdOf(raw))).toMatchObject({ state: 'no-manuscript' });
    const [reply] = await then.emailsArrive(from);
    expect(reply?.subject).toBe('Your submission had no manuscript: My story');
    expect(await then.emailsTo(EDITOR).then((emails) => emails.some((email) => email.subject.includes('My story')))).toBe(false);
  });

  it('keeps a message without a sender and records the failure', async () => {
    const raw = Buffer.from(
      ['Subject: broken', 'Content-Type: multipart/mixed; boundary="nope"', '', '--wrong-boundary', 'garbage without an end', ''].join('\r\n'),
    );
    await when.aStoryIsMailed(raw, { from: 'someone@example.com' });
    const failed = await then.theSubmission(await given.theSubmissionIdOf(raw));
    expect(failed).toMatchObject({ state: 'failed', error: expect.stringContaining('no sender address') });
    expect(await then.anObjectAt(failed?.rawKey ?? '')).toBe(true);
  });

  it('flags spam, and a virus in a base64 attachment, without answering', async () => {
    const spammer = author();
    const spam = await given.aMessage({
      from: spammer,
      to: INBOX,
      subject: 'Cheap watches',
      messageId: messageId(),
      text: 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X',
    });
    const infected = author();
    // EICAR as an attachment travels base64-encoded: only a scan of the decoded part finds it.
    const eicar = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
    const virus = await given.aMessage({
      from: infected,
      to: INBOX,
      subject: 'My story',
      messageId: messageId(),
      text: 'Attached',
      attachments: [{ filename: 'story.docx', content: eicar, contentType: DOCX }],
    });
    expect(virus.toString()).not.toContain(eicar);
    await when.aStoryIsMailed(spam);
    await when.aStoryIsMailed(virus);
    expect(await then.theSubmission(await given.theSubmissionIdOf(spam))).toMatchObject({ state: 'flagged', verdicts: { spam: 'FAIL', virus: 'PASS' } });
    expect(await then.theSubmission(await given.theSubmissionIdOf(virus))).toMatchObject({ state: 'flagged', verdicts: { spam: 'PASS', virus: 'FAIL' } });
    await then.processingHasRun();
    expect([...(await then.emailsTo(spammer)), ...(await then.emailsTo(infected))]).toHaveLength(0);
  });

  it('processes a message near the 40 MB SES limit', async () => {
    const manuscript = docx(28 * 1024 * 1024);
    const raw = await given.aMessage({
      from: author(),
      to: INBOX,
      subject: 'The long novel',
      messageId: messageId(),
      text: 'All of it.',
      attachments: [{ filename: 'novel.docx', content: manuscript }],
    });
    await when.aStoryIsMailed(raw);
    const submission = await then.theSubmission(await given.theSubmissionIdOf(raw), (s) => s.state !== 'receiving', 90_000);
    expect(submission).toMatchObject({ state: 'unread', manuscript: { filename: 'novel.docx', size: manuscript.length } });
    expect(submission?.rawSize).toBeGreaterThan(38 * 1024 * 1024);
    expect((await then.theObject(submission?.manuscript?.key ?? '')).equals(manuscript)).toBe(true);
  }, 120_000);

  it("shows the editor a title's control characters, never sends them to the terminal", async () => {
    const raw = await given.aMessage({
      from: author(),
      to: INBOX,
      subject: 'Evil\x1b]0;pwned\x07\x1b[2J title',
      messageId: messageId(),
      text: 'x',
      attachments: [{ filename: 'evil\x1b[31m.docx', content: docx(10) }],
    });
    await when.aStoryIsMailed(raw);
    const submission = await then.theSubmission(await given.theSubmissionIdOf(raw));
    const { stdout } = await when.theEditorRuns('show', submission?.id ?? '');
    expect(stdout).not.toMatch(/[^\P{Cc}\n]/u);
    expect(stdout).toContain('Evil\\u001b]0;pwned\\u0007\\u001b[2J title');
    expect((await when.theEditorRuns('queue')).stdout).not.toContain('\x1b');
    expect(await store.get(submission?.id ?? '')).toMatchObject({ title: 'Evil\x1b]0;pwned\x07\x1b[2J title' });
  });
});
