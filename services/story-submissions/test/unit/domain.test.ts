// Domain rules on their own: names, the manuscript, headers in any charset, RFC 3834, SES's verdicts.
import { describe, expect, it } from '@jest/globals';
import { automaticReason, envelopeOf, senderVouched, verdictsOf } from '../../src/domain/envelope';
import { chooseManuscript } from '../../src/domain/manuscript';
import { partFileName } from '../../src/domain/partNames';
import { canDecide, isFlagged, type Part, submissionId } from '../../src/domain/submission';
import { addressesOf, decodedValue, headerText, structuredValue, visible } from '../../src/mail/headers';

const fields = (headers: Record<string, string>) => new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), [` ${value}`]]));
const latin1 = (text: string) => Buffer.from(text, 'latin1').toString('latin1');

describe('part names', () => {
  it.each([
    [1, 'Рассказ о море.docx', '1-Рассказ-о-море.docx'],
    [2, '春の物語.pdf', '2-春の物語.pdf'],
    [3, '../../etc/passwd', '3-passwd.bin'],
    [4, '..\\..\\windows\\system.ini', '4-system.ini'],
    [5, 'My Story (final).DOCX', '5-My-Story-final.docx'],
    [6, '.hidden', '6-hidden.bin'],
    [7, undefined, '7-attachment.pdf'],
    [8, 'Ünïcodé.pdf', '8-Ünïcodé.pdf'],
  ])('part %d named %j is stored as %s', (number, filename, expected) => {
    expect(partFileName(number, filename, number === 7 ? 'application/pdf' : 'application/octet-stream')).toBe(expected);
  });

  it('shortens a long name in the middle and keeps its extension', () => {
    const name = partFileName(1, `${'a'.repeat(100)}THE-END.docx`, 'application/octet-stream');
    expect(name).toMatch(/^1-a{50}--a{21}THE-END\.docx$/);
  });
});

describe('the manuscript', () => {
  const part = (filename: string | undefined, size: number, contentType = 'application/octet-stream'): Part => ({
    kind: 'attachment',
    key: `k/${filename}`,
    name: filename ?? 'attachment',
    filename,
    contentType,
    size,
  });

  it('is the story, not the cover letter beside it, even when the letter comes first', () => {
    expect(chooseManuscript([part('cover letter.docx', 30_000), part('the story.docx', 20_000)])?.filename).toBe('the story.docx');
  });

  it('is the largest document, not a disclaimer', () => {
    expect(chooseManuscript([part('disclaimer.txt', 900), part('chapter.txt', 80_000), part('notes.pdf', 2_000)])?.filename).toBe('chapter.txt');
  });

  it('is a PDF by its content type, even without a name', () => {
    expect(chooseManuscript([part(undefined, 5_000, 'image/png'), part(undefined, 9_000, 'application/pdf')])?.contentType).toBe('application/pdf');
  });

  it('is never an image, a list footer without a name, or a body', () => {
    expect(
      chooseManuscript([part('photo.jpg', 90_000, 'image/jpeg'), part(undefined, 300, 'text/plain'), { ...part('body.txt', 10, 'text/plain'), kind: 'body' }]),
    ).toBeUndefined();
  });
});

describe('headers in any charset', () => {
  it('reads raw 8-bit Latin-1 as windows-1252 and raw UTF-8 as UTF-8', () => {
    expect(decodedValue(latin1('Caf\xe9 au lait \xe0 la cr\xe8me'))).toBe('Café au lait à la crème');
    expect(decodedValue(Buffer.from('Café au lait à la crème').toString('latin1'))).toBe('Café au lait à la crème');
    expect(headerText(latin1('\x93quoted\x94'))).toBe('“quoted”');
  });

  it.each([
    ['=?KOI8-R?B?8sHT08vB2iDPIM3P0sU=?=', 'Рассказ о море'],
    ['=?windows-1251?Q?=D0=E0=F1=F1=EA=E0=E7?=', 'Рассказ'],
    ['=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=', '日本語'],
    ['=?UTF-8?Q?Nodemailer_is_unicode_friendly_=E2=9C=94?=', 'Nodemailer is unicode friendly ✔'],
  ])('decodes %s', (encoded, text) => {
    expect(decodedValue(encoded)).toBe(text);
  });

  it('decodes RFC 2231 file names, continued and in a charset', () => {
    expect(structuredValue(" attachment; filename*0*=utf-8''%D0%A0%D0%B0%D1%81; filename*1*=%D1%81%D0%BA%D0%B0%D0%B7.docx").params.filename).toBe(
      'Рассказ.docx',
    );
    expect(structuredValue(' attachment; filename="=?UTF-8?B?5pil44Gu54mp6KqeLnBkZg==?="').params.filename).toBe('春の物語.pdf');
  });

  it('reads addresses with encoded names and groups', () => {
    expect(addressesOf(' =?UTF-8?Q?Ad=C3=A1?= <ada@example.com>')).toEqual([{ name: 'Adá', address: 'ada@example.com' }]);
    expect(addressesOf(' Writers: Bea <bea@example.org>, cleo@example.net;')).toEqual([
      { name: 'Bea', address: 'bea@example.org' },
      { name: '', address: 'cleo@example.net' },
    ]);
  });

  it('makes control characters visible, so a title cannot drive a terminal', () => {
    expect(visible('Title\x1b]0;pwned\x07\x1b[2J\r\nnext')).toBe('Title\\u001b]0;pwned\\u0007\\u001b[2J\\u000d\\u000anext');
  });
});

describe('RFC 3834: messages that get no automatic reply', () => {
  it.each([
    [{ 'Return-Path': '<>' }, 'null sender'],
    [{ 'Return-Path': '<MAILER-DAEMON@mx.example.com>' }, 'mail system'],
    [{ From: 'postmaster@example.com' }, 'mail system'],
    [{ 'Auto-Submitted': 'auto-generated' }, 'Auto-Submitted'],
    [{ Precedence: 'junk' }, 'Precedence'],
    [{ 'List-Unsubscribe': '<mailto:leave@lists.example.com>' }, 'mailing list'],
    [{ 'Content-Type': 'multipart/report; report-type=feedback-report; boundary="x"' }, 'report'],
    [{ 'X-Autoreply': 'yes' }, 'automatic reply'],
  ])('%j is automatic (%s)', (headers, reason) => {
    expect(automaticReason(fields({ From: 'ada@example.com', ...headers }))).toContain(reason);
  });

  it('answers a person, and Auto-Submitted: no', () => {
    expect(automaticReason(fields({ 'Return-Path': '<ada@example.com>', From: 'Ada <ada@example.com>', 'Auto-Submitted': 'no' }))).toBeUndefined();
  });
});

describe("SES's verdicts", () => {
  // The Authentication-Results of a stored message in the SES developer guide
  // (https://docs.aws.amazon.com/ses/latest/dg/receiving-email-notifications-contents.html, "mail" object headers).
  const aws = fields({
    'X-SES-Spam-Verdict': 'PASS',
    'X-SES-Virus-Verdict': 'PASS',
    'Authentication-Results':
      'amazonses.com; spf=pass (spfCheck: domain of example.com designates 203.0.113.0 as permitted sender) client-ip=203.0.113.0; envelope-from=sender@example.com; helo=example.com; dkim=pass header.i=@example.com; dmarc=pass header.from=example.com;',
  });

  it('reads every verdict', () => {
    expect(verdictsOf(aws)).toEqual({ spam: 'PASS', virus: 'PASS', spf: 'PASS', dkim: 'PASS', dmarc: 'PASS' });
    expect(isFlagged({ spam: 'FAIL', virus: 'PASS' })).toBe(true);
  });

  it('vouches for a From whose domain passed SPF or DKIM, aligned, with DMARC not failing', () => {
    expect(senderVouched(aws, { name: '', address: 'sender@example.com' })).toBe(true);
    expect(senderVouched(aws, { name: '', address: 'writer@mail.example.com' })).toBe(true);
    expect(senderVouched(aws, { name: '', address: 'victim@example.net' })).toBe(false);
    const dmarcFail = new Map(aws);
    dmarcFail.set('authentication-results', [String(aws.get('authentication-results')?.[0]).replace('dmarc=pass', 'dmarc=fail')]);
    expect(senderVouched(dmarcFail, { name: '', address: 'sender@example.com' })).toBe(false);
  });

  it('reads the envelope: Reply-To beside From, the subject decoded', () => {
    expect(
      envelopeOf(fields({ From: 'Form <no-reply@forms.example.com>', 'Reply-To': 'Cleo <cleo@example.org>', Subject: '=?UTF-8?Q?Caf=C3=A9?=' })),
    ).toMatchObject({
      from: { address: 'no-reply@forms.example.com' },
      replyTo: { name: 'Cleo', address: 'cleo@example.org' },
      subject: 'Café',
    });
  });
});

describe('submissions', () => {
  it('are one per message: the same Message-ID, sender and content; another sender or content is another', () => {
    const base = { messageId: '<a@b>', sender: 'ada@example.com', bodyDigest: 'd1' };
    expect(submissionId(base)).toBe(submissionId({ ...base, messageId: ' <a@b> ', sender: 'ADA@example.com' }));
    expect(submissionId(base)).not.toBe(submissionId({ ...base, sender: 'bea@example.org' }));
    expect(submissionId(base)).not.toBe(submissionId({ ...base, bodyDigest: 'd2' }));
    expect(submissionId(base)).toMatch(/^[0-9a-f]{24}$/);
  });

  it('get a decision only while read or held', () => {
    expect(['reading', 'held', 'unread', 'accepted'].map((state) => canDecide(state as never))).toEqual([true, true, false, false]);
  });
});
