// The MIME corpus the end-to-end tests deliver over SMTP: public test messages (test/fixtures, with
// their sources in its README) and messages made here for each case the public ones do not cover.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SubmissionState } from '../../src/domain/submission';

export interface CorpusMessage {
  name: string;
  raw: Buffer;
  /** MAIL FROM: '' is the null sender of bounces and reports. */
  envelopeFrom: string;
  expected: {
    state: SubmissionState;
    title?: string;
    authorEmail?: string;
    /** The names in the parts' keys, body first. */
    parts?: string[];
    manuscript?: string;
    /** Subjects of the emails the author gets (none when not answered). */
    emails: string[];
  };
}

/** A fixture as it travels over SMTP: lines end in CRLF (the files keep their authors' LF). */
const fixture = (path: string) =>
  Buffer.from(
    readFileSync(fileURLToPath(new URL(`../fixtures/mime/${path}`, import.meta.url)))
      .toString('latin1')
      .replace(/\r?\n/g, '\r\n'),
    'latin1',
  );
const crlf = (lines: Array<string | Buffer>) =>
  Buffer.concat(lines.flatMap((line) => [Buffer.isBuffer(line) ? line : Buffer.from(line, 'latin1'), Buffer.from('\r\n')]));
const b64 = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64');
const story = (name: string, headers: string[], parts: Array<{ headers: string[]; body: string }>) =>
  crlf([
    ...headers,
    `Message-ID: <${name}@corpus.example>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="corpus"',
    '',
    ...parts.flatMap((part) => ['--corpus', ...part.headers, '', part.body]),
    '--corpus--',
  ]);
const text = (body: string) => ({ headers: ['Content-Type: text/plain; charset=utf-8'], body });
const file = (contentType: string, disposition: string, content: string | Buffer) => ({
  headers: [`Content-Type: ${contentType}`, `Content-Disposition: ${disposition}`, 'Content-Transfer-Encoding: base64'],
  body: b64(content),
});
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const received = (title: string) => `We received your submission: ${title}`;
const noManuscript = (title: string) => `Your submission had no manuscript: ${title}`;

export const corpus: CorpusMessage[] = [
  // Public messages (postal-mime and mailparser test fixtures).
  {
    name: 'postal-mime arf.eml (abuse report)',
    raw: fixture('postal-mime/arf.eml'),
    envelopeFrom: 'abusedesk@example.com',
    expected: { state: 'automatic', title: 'FW: Earn money', emails: [] },
  },
  {
    name: 'postal-mime bounce.eml',
    raw: fixture('postal-mime/bounce.eml'),
    envelopeFrom: '',
    expected: { state: 'automatic', title: 'Undelivered Mail Returned to Sender', emails: [] },
  },
  {
    name: 'mailparser delivery-status.eml (an SES bounce)',
    raw: fixture('mailparser/delivery-status.eml'),
    envelopeFrom: '',
    expected: { state: 'automatic', title: 'Delivery Status Notification (Failure)', emails: [] },
  },
  {
    name: 'postal-mime calendar-event.eml (an invitation)',
    raw: fixture('postal-mime/calendar-event.eml'),
    envelopeFrom: 'andris@postalsys.com',
    expected: {
      state: 'no-manuscript',
      title: 'Invitation: Test event ⏰ @ Thu Apr 11, 2024 11am - 12pm (GMT+3) (andris@ethereal.email)',
      authorEmail: 'andris@postalsys.com',
      parts: ['body.txt', 'body.html', '1-attachment.ics', '2-invite.ics'],
      emails: [noManuscript('Invitation: Test event ⏰ @ Thu Apr 11, 2024 11am - 12pm (GMT+3) (andris@ethereal.email)')],
    },
  },
  {
    name: 'postal-mime mimetorture.eml',
    raw: fixture('postal-mime/mimetorture.eml'),
    envelopeFrom: 'rfinnie@domain.dom',
    expected: {
      state: 'no-manuscript',
      title: "Ryan Finnie's MIME Torture Test v1.0",
      authorEmail: 'rfinnie@domain.dom',
      parts: ['body.txt', ...Array.from({ length: 10 }, (_, index) => `${index + 1}-attachment.eml`)],
      emails: [noManuscript("Ryan Finnie's MIME Torture Test v1.0")],
    },
  },
  {
    name: 'mailparser nodemailer.eml (unicode names, inline images, a .txt)',
    raw: fixture('mailparser/nodemailer.eml'),
    envelopeFrom: 'andris@kreata.ee',
    expected: {
      state: 'unread',
      title: 'Nodemailer is unicode friendly ✔ (1476358788189)',
      authorEmail: 'andris@kreata.ee',
      parts: ['body.txt', '1-attachment.bin', 'body.html', '2-image.png', '3-nyan-cat.gif', '4-notes.txt'],
      manuscript: 'notes.txt',
      emails: [received('Nodemailer is unicode friendly ✔ (1476358788189)')],
    },
  },
  {
    name: 'mailparser base64encodedroot.eml (the whole message is a PNG)',
    raw: fixture('mailparser/base64encodedroot.eml'),
    envelopeFrom: 'test@example.com',
    expected: { state: 'no-manuscript', title: '(no subject)', parts: ['1-screenshot.png'], emails: [noManuscript('(no subject)')] },
  },
  {
    name: 'mailparser spam.eml (from a no-reply address)',
    raw: fixture('mailparser/spam.eml'),
    envelopeFrom: 'noreply@guide-des-vins-de-bourgogne.fr',
    expected: { state: 'not-answered', title: '123.042 Euro pro Jahr GRARANTIERT von einer Bank! KOSTENLOS', emails: [] },
  },

  // Made here: charsets and names.
  {
    name: 'raw 8-bit Latin-1 subject and name',
    raw: story(
      'latin1',
      ['From: Jos\xe9 Garc\xeda <jose@latin1.example>', 'Subject: Caf\xe9 au lait \xe0 la cr\xe8me'],
      [text('Attached.'), file(DOCX, 'attachment; filename="cafe.docx"', 'story')],
    ),
    envelopeFrom: 'jose@latin1.example',
    expected: {
      state: 'unread',
      title: 'Café au lait à la crème',
      authorEmail: 'jose@latin1.example',
      parts: ['body.txt', '1-cafe.docx'],
      manuscript: 'cafe.docx',
      emails: [received('Café au lait à la crème')],
    },
  },
  {
    name: 'KOI8-R subject, windows-1251 RFC 2231 name',
    raw: story(
      'koi8',
      ['From: =?KOI8-R?B?8MHXxcw=?= <pavel@koi8.example>', `Subject: =?KOI8-R?B?${b64(Buffer.from('8sHT08vB2iDPIM3P0sU=', 'base64'))}?=`],
      [text('Рассказ во вложении.'), file(DOCX, "attachment; filename*=windows-1251''%D0%E0%F1%F1%EA%E0%E7%20%EE%20%EC%EE%F0%E5.docx", 'story')],
    ),
    envelopeFrom: 'pavel@koi8.example',
    expected: {
      state: 'unread',
      title: 'Рассказ о море',
      parts: ['body.txt', '1-Рассказ-о-море.docx'],
      manuscript: 'Рассказ о море.docx',
      emails: [received('Рассказ о море')],
    },
  },
  {
    name: 'ISO-2022-JP subject and name',
    raw: story(
      'jis',
      ['From: haru@jis.example', `Subject: =?ISO-2022-JP?B?${b64(Buffer.from('1b24423d55244e4a2a386c1b2842', 'hex'))}?=`],
      [
        text('添付します。'),
        file(
          'application/pdf',
          `attachment; filename="=?ISO-2022-JP?B?${b64(Buffer.from('1b24423d55244e4a2a386c1b28422e706466', 'hex'))}?="`,
          '%PDF-1.4 story',
        ),
      ],
    ),
    envelopeFrom: 'haru@jis.example',
    expected: { state: 'unread', title: '春の物語', parts: ['body.txt', '1-春の物語.pdf'], manuscript: '春の物語.pdf', emails: [received('春の物語')] },
  },
  {
    name: 'an inline named story.txt',
    raw: story(
      'inline',
      ['From: ines@inline.example', 'Subject: Inline'],
      [
        text('Below.'),
        { headers: ['Content-Type: text/plain; charset=utf-8', 'Content-Disposition: inline; filename="story.txt"'], body: 'Once upon a time.' },
      ],
    ),
    envelopeFrom: 'ines@inline.example',
    expected: { state: 'unread', parts: ['body.txt', '1-story.txt'], manuscript: 'story.txt', emails: [received('Inline')] },
  },
  {
    name: 'a cover letter before the story',
    raw: story(
      'cover',
      ['From: carl@cover.example', 'Subject: Two files'],
      [text('Both attached.'), file(DOCX, 'attachment; filename="cover letter.docx"', 'Dear editor'), file(DOCX, 'attachment; filename="the story.docx"', 'x')],
    ),
    envelopeFrom: 'carl@cover.example',
    expected: {
      state: 'unread',
      parts: ['body.txt', '1-cover-letter.docx', '2-the-story.docx'],
      manuscript: 'the story.docx',
      emails: [received('Two files')],
    },
  },
  {
    name: 'a PDF without a name',
    raw: story(
      'pdf',
      ['From: pia@pdf.example', 'Subject: No name'],
      [text('Attached.'), { headers: ['Content-Type: application/pdf', 'Content-Transfer-Encoding: base64'], body: b64('%PDF-1.4 story') }],
    ),
    envelopeFrom: 'pia@pdf.example',
    expected: { state: 'unread', parts: ['body.txt', '1-attachment.pdf'], emails: [received('No name')] },
  },
  {
    name: 'a 300-character name',
    raw: story('long', ['From: lena@long.example', 'Subject: Long'], [text('x'), file(DOCX, `attachment; filename="${'Chapter '.repeat(37)}end.docx"`, 'x')]),
    envelopeFrom: 'lena@long.example',
    expected: {
      state: 'unread',
      // Shortened in the middle; the name as sent stays on the record.
      parts: ['body.txt', '1-Chapter-Chapter-Chapter-Chapter-Chapter-Chapter-Ch---Chapter-Chapter-Chapter-end.docx'],
      manuscript: `${'Chapter '.repeat(37)}end.docx`,
      emails: [received('Long')],
    },
  },

  // Made here: who to answer, and who never.
  {
    name: 'a web form relaying a story (Reply-To)',
    raw: story(
      'form',
      ['From: Story form <no-reply@forms.example>', 'Reply-To: Rita Writer <rita@writer.example>', 'Subject: Via the form'],
      [text('Sent from the form.'), file(DOCX, 'attachment; filename="rita.docx"', 'x')],
    ),
    envelopeFrom: 'bounces@forms.example',
    expected: { state: 'unread', authorEmail: 'rita@writer.example', manuscript: 'rita.docx', emails: [received('Via the form')] },
  },
  {
    name: 'a forged From (backscatter)',
    raw: story(
      'forged',
      ['From: victim@victim.example', 'Subject: Buy cheap pills'],
      [text('Click here.'), file(DOCX, 'attachment; filename="offer.docx"', 'x')],
    ),
    envelopeFrom: 'attacker@evil.example',
    expected: { state: 'not-answered', authorEmail: 'victim@victim.example', emails: [] },
  },
  {
    name: 'Auto-Submitted: auto-generated',
    raw: story('auto', ['From: robot@auto.example', 'Subject: Your weekly digest', 'Auto-Submitted: auto-generated'], [text('Digest.')]),
    envelopeFrom: 'robot@auto.example',
    expected: { state: 'automatic', emails: [] },
  },
  {
    name: 'a mailing list message',
    raw: story('list', ['From: member@list.example', 'Subject: [writers] Re: prompts', 'List-Id: <writers.list.example>'], [text('On topic.')]),
    envelopeFrom: 'writers-bounces@list.example',
    expected: { state: 'automatic', emails: [] },
  },
  {
    name: 'Precedence: bulk',
    raw: story('bulk', ['From: news@bulk.example', 'Subject: Newsletter', 'Precedence: bulk'], [text('News.')]),
    envelopeFrom: 'news@bulk.example',
    expected: { state: 'automatic', emails: [] },
  },
  {
    name: 'parts nested 1,000 levels deep',
    raw: (() => {
      let nested = 'Content-Type: text/plain\r\n\r\nthe story';
      for (let level = 0; level < 1_000; level += 1)
        nested = `Content-Type: multipart/mixed; boundary="b${level}"\r\n\r\n--b${level}\r\n${nested}\r\n--b${level}--`;
      return Buffer.from(`From: deep@deep.example\r\nMessage-ID: <deep@corpus.example>\r\nSubject: Deep\r\nMIME-Version: 1.0\r\n${nested}\r\n`);
    })(),
    envelopeFrom: 'deep@deep.example',
    expected: { state: 'failed', title: 'Deep', emails: [] },
  },
];
