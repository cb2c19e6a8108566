// The use case over in-memory twins of its ports (Prepare / Act / Assess): exactly one submission and
// one of each email per message, whatever the copies and faults; what is never answered.
import { describe, expect, it } from '@jest/globals';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { ClaimedElsewhere, receiveSubmission, TransientFault } from '../../src/domain/receive';
import { CLAIM_LEASE_MS } from '../../src/domain/submission';
import { storedBySes, twins } from '../support/twins';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const compose = (mail: Mail.Options) => new MailComposer(mail).compile().build();
const story = (overrides: Mail.Options = {}) =>
  compose({
    from: 'Ada Author <ada@example.com>',
    to: 'submissions@stories.example.com',
    subject: 'The Clockwork Garden',
    messageId: '<garden@example.com>',
    text: 'Dear editors, my story is attached.',
    attachments: [{ filename: 'clockwork-garden.docx', content: Buffer.alloc(4096, 7), contentType: DOCX }],
    ...overrides,
  });
const at = (rawKey: string) => ({ rawKey, receivedAt: '2026-12-02T10:00:00.000Z', size: 1 });
const subjects = (sent: Array<{ to: string; subject: string }>) => sent.map((email) => `${email.to}: ${email.subject}`).sort();

describe('receiveSubmission', () => {
  it('makes a story a submission, stores its parts, and writes to the author and the editor', async () => {
    const { deps, parts, sent, records } = twins({ 'inbox/1': storedBySes(await story(), 'ada@example.com') });
    expect(await receiveSubmission(deps, at('inbox/1'))).toBe('unread');
    const [submission] = [...records.items.values()];
    expect(submission).toMatchObject({ state: 'unread', title: 'The Clockwork Garden', authorEmail: 'ada@example.com', sent: ['confirmation', 'editor'] });
    expect(submission?.manuscript).toMatchObject({ filename: 'clockwork-garden.docx', name: '1-clockwork-garden.docx', size: 4096 });
    expect([...parts.keys()].map((key) => key.split('/').slice(2).join('/')).sort()).toEqual(['attachments/1-clockwork-garden.docx', 'body.txt']);
    expect(subjects(sent)).toEqual([
      'ada@example.com: We received your submission: The Clockwork Garden',
      'editor@stories.example.com: New submission: The Clockwork Garden by Ada Author',
    ]);
  });

  it('makes one submission and one of each email from 3 or 10 copies racing, over 20 rounds', async () => {
    for (const copies of [3, 10]) {
      for (let round = 0; round < 20; round += 1) {
        const raw = await story({ messageId: `<race-${copies}-${round}@example.com>` });
        const keys = Array.from({ length: copies }, (_, index) => `inbox/${index}`);
        const { deps, sent, records } = twins(Object.fromEntries(keys.map((key) => [key, storedBySes(raw, 'ada@example.com')])));
        const outcomes = await Promise.all(keys.map((key) => receiveSubmission(deps, at(key))));
        expect(outcomes.filter((outcome) => outcome === 'unread')).toHaveLength(1);
        expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(copies - 1);
        expect(records.items.size).toBe(1);
        expect(sent).toHaveLength(2);
      }
    }
  });

  it('keeps a different message that reuses a Message-ID as a submission of its own', async () => {
    const first = await story();
    const other = await story({
      from: 'Bea <bea@example.org>',
      subject: 'Another story',
      attachments: [{ filename: 'other.docx', content: 'x', contentType: DOCX }],
    });
    const { deps, sent, records } = twins({ 'inbox/1': storedBySes(first, 'ada@example.com'), 'inbox/2': storedBySes(other, 'bea@example.org') });
    expect(await receiveSubmission(deps, at('inbox/1'))).toBe('unread');
    expect(await receiveSubmission(deps, at('inbox/2'))).toBe('unread');
    expect([...records.items.values()].map((submission) => submission.title).sort()).toEqual(['Another story', 'The Clockwork Garden']);
    expect(sent.filter((email) => email.subject.startsWith('We received'))).toHaveLength(2);
  });

  it('fails on a throttled email and, retried, sends only what was not sent', async () => {
    let throttle = true;
    const { deps, sent, records } = twins({ 'inbox/1': storedBySes(await story(), 'ada@example.com') }, {
      send: (to: string) =>
        to.startsWith('editor') && throttle
          ? { ok: false, error: Object.assign(new Error('Maximum sending rate exceeded'), { name: 'ThrottlingException' }), retryable: true }
          : undefined,
    } as never);
    await expect(receiveSubmission(deps, at('inbox/1'))).rejects.toThrow(TransientFault);
    expect([...records.items.values()][0]).toMatchObject({ state: 'receiving', sent: ['confirmation'], leaseUntil: 0 });
    throttle = false;
    expect(await receiveSubmission(deps, at('inbox/1'))).toBe('unread');
    expect(subjects(sent)).toHaveLength(2);
  });

  it('fails when S3 fails, leaves no failed record, and processes the story on the replay', async () => {
    let fail = true;
    const { deps, records } = twins(
      { 'inbox/1': storedBySes(await story(), 'ada@example.com') },
      { openFails: () => (fail ? Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown' }) : undefined) },
    );
    await expect(receiveSubmission(deps, at('inbox/1'))).rejects.toThrow('Please reduce your request rate.');
    expect(records.items.size).toBe(0);
    fail = false;
    expect(await receiveSubmission(deps, at('inbox/1'))).toBe('unread');
    expect([...records.items.values()].map((submission) => submission.state)).toEqual(['unread']);
  });

  it('gives a copy whose holder is still at work up to 20 s, then fails it; after the lease it takes over', async () => {
    const raw = storedBySes(await story(), 'ada@example.com');
    const { deps, records, clock, sent } = twins({ 'inbox/1': raw, 'inbox/2': raw });
    // A first copy claimed it and then its invocation died (a timeout): the claim stays, with its lease.
    const id = await (async () => {
      const original = deps.records.complete;
      deps.records.complete = async () => {
        throw new Error('Task timed out after 120.00 seconds');
      };
      await expect(receiveSubmission(deps, at('inbox/1'))).rejects.toThrow('Task timed out');
      deps.records.complete = original;
      const [item] = [...records.items.values()];
      if (item) Object.assign(item, { leaseUntil: clock.now + CLAIM_LEASE_MS });
      return item?.id;
    })();
    await expect(receiveSubmission(deps, at('inbox/2'))).rejects.toThrow(ClaimedElsewhere);
    clock.now += CLAIM_LEASE_MS;
    expect(await receiveSubmission(deps, at('inbox/2'))).toBe('unread');
    expect(records.items.get(id ?? '')?.state).toBe('unread');
    // The dead copy had sent both emails before it died; the take-over sends neither again.
    expect(sent).toHaveLength(2);
  });

  it('records a message that can never be read as failed, under its own id, with nothing left receiving', async () => {
    let nested = 'Content-Type: text/plain\r\n\r\nthe story';
    for (let level = 0; level < 1_000; level += 1)
      nested = `Content-Type: multipart/mixed; boundary="b${level}"\r\n\r\n--b${level}\r\n${nested}\r\n--b${level}--`;
    const raw = Buffer.from(`From: deep@example.com\r\nMessage-ID: <deep@example.com>\r\nSubject: Deep\r\nMIME-Version: 1.0\r\n${nested}\r\n`);
    const { deps, records, sent } = twins({ 'inbox/1': storedBySes(raw, 'deep@example.com') });
    expect(await receiveSubmission(deps, at('inbox/1'))).toBe('failed');
    expect([...records.items.values()].map((submission) => [submission.state, submission.title])).toEqual([['failed', 'Deep']]);
    expect([...records.items.values()][0]?.error).toMatch(/^UnreadableMessage: .*deeper than 32/);
    expect(sent).toHaveLength(0);
  });

  it('replaces a failed record when the same message succeeds later', async () => {
    const raw = storedBySes(await story(), 'ada@example.com');
    const { deps, records } = twins({ 'inbox/1': raw });
    expect(await receiveSubmission(deps, at('inbox/1'))).toBe('unread');
    const [item] = [...records.items.values()];
    if (item)
      records.items.set(item.id, { id: item.id, state: 'failed', rawKey: 'inbox/1', receivedAt: item.receivedAt, error: 'an older version could not read it' });
    expect(await receiveSubmission(deps, at('inbox/1'))).toBe('unread');
    expect([...records.items.values()].map((submission) => [submission.state, submission.error])).toEqual([['unread', undefined]]);
  });

  it.each([
    ['a bounce (null sender)', {}, ''],
    ['Auto-Submitted: auto-replied', { headers: { 'Auto-Submitted': 'auto-replied' } }, 'ada@example.com'],
    ['Precedence: bulk', { headers: { Precedence: 'bulk' } }, 'ada@example.com'],
    ['a mailing list', { headers: { 'List-Id': '<writers.lists.example.com>' } }, 'ada@example.com'],
    ['mailer-daemon', { from: 'MAILER-DAEMON@mx.example.com' }, 'mailer-daemon@mx.example.com'],
  ] as const)('records %s as automatic and answers nobody (RFC 3834)', async (_name, overrides, envelopeFrom) => {
    const { deps, records, sent } = twins({ 'inbox/1': storedBySes(await story(overrides), envelopeFrom) });
    expect(await receiveSubmission(deps, at('inbox/1'))).toBe('automatic');
    expect([...records.items.values()][0]?.notAnswered).toEqual(expect.any(String));
    expect(sent).toHaveLength(0);
  });

  it('does not answer a From that another server sent (backscatter), and says why on the record', async () => {
    const forged = await story({ from: 'victim@example.net', subject: 'Buy now' });
    const { deps, records, sent } = twins({ 'inbox/1': storedBySes(forged, 'attacker@evil.example') });
    expect(await receiveSubmission(deps, at('inbox/1'))).toBe('not-answered');
    expect([...records.items.values()][0]?.notAnswered).toContain('do not vouch for victim@example.net');
    expect(sent).toHaveLength(0);
  });

  it('credits and answers the Reply-To of a story a web form relayed, and keeps the From', async () => {
    const relayed = await story({ from: 'Story form <no-reply@forms.example.com>', replyTo: 'Cleo Writer <cleo@example.org>' });
    const { deps, records, sent } = twins({ 'inbox/1': storedBySes(relayed, 'no-reply@forms.example.com') });
    expect(await receiveSubmission(deps, at('inbox/1'))).toBe('unread');
    expect([...records.items.values()][0]).toMatchObject({
      authorName: 'Cleo Writer',
      authorEmail: 'cleo@example.org',
      fromEmail: 'no-reply@forms.example.com',
    });
    expect(subjects(sent)[0]).toBe('cleo@example.org: We received your submission: The Clockwork Garden');
  });

  it('flags what SES found a virus in, and answers nobody', async () => {
    const { deps, sent } = twins({ 'inbox/1': storedBySes(await story(), 'ada@example.com', { spam: 'PASS', virus: 'FAIL' }) });
    expect(await receiveSubmission(deps, at('inbox/1'))).toBe('flagged');
    expect(sent).toHaveLength(0);
  });

  it("ignores SES's setup notification", async () => {
    const { deps, records } = twins({});
    expect(await receiveSubmission(deps, at('inbox/AMAZON_SES_SETUP_NOTIFICATION'))).toBe('ses-setup-notification');
    expect(records.items.size).toBe(0);
  });
});
