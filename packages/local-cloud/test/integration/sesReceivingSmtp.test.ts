// SES email receiving as a sending mail server meets it over SMTP, on a local cloud with one receipt
// rule for submissions@stories.example.com. What AWS documents:
// - messages up to 40 MB, headers included (https://docs.aws.amazon.com/ses/latest/dg/quotas.html,
//   https://docs.aws.amazon.com/ses/latest/dg/receiving-email-action-s3.html); a larger one is refused
//   for good: 552, SES's "Message Too Large" (https://docs.aws.amazon.com/ses/latest/dg/receiving-email-action-bounce.html),
//   at MAIL FROM when the client declares SIZE (RFC 1870), else after the data;
// - a recipient no rule of the active rule set covers is blocked
//   (https://docs.aws.amazon.com/ses/latest/dg/receiving-email-concepts.html#receiving-email-process): 550 at RCPT TO.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { localAuthorization } from '../../src/awsCall';
import type { LocalCloud } from '../../src/index';
import { MAX_MESSAGE_BYTES, receivingSmtpServer } from '../../src/services/ses/smtp';
import { receivingFixture, startFixtureCloud } from '../support/fixtureCloud';
import { messageOfSize, type SmtpSession, smtpSession } from '../support/smtpClient';

const PORT_BASE = 18566;
const LIMIT = 40 * 1024 * 1024;
const RULE_ARN = 'arn:aws:ses:us-east-1:000000000000:receipt-rule-set/fixture-dev:receipt-rule/fixture-dev-submissions';

const resources = receivingFixture('fixture-dev-submissions', ['submissions@stories.example.com'], { sourceArn: RULE_ARN });

let cloud: LocalCloud | undefined;
beforeAll(async () => {
  cloud = await startFixtureCloud(resources, PORT_BASE);
}, 60_000);
afterAll(async () => {
  await cloud?.stop();
});

/** A session past EHLO and MAIL FROM (with its parameters), and its replies. */
async function transaction(mailFrom = 'MAIL FROM:<author@example.com>', port = PORT_BASE + 6) {
  const session = await smtpSession(port);
  const ehlo = await session.command('EHLO sender.example.com');
  const mail = await session.command(mailFrom);
  return { session, ehlo, mail };
}

/** Sends one message to the recipient; the replies to RCPT TO and to the data. */
async function send(session: SmtpSession, message: Buffer, recipient = 'submissions@stories.example.com') {
  const rcpt = await session.command(`RCPT TO:<${recipient}>`);
  const data = await session.command('DATA');
  const end = data.startsWith('354') ? await session.data(message) : '';
  await session.command('QUIT');
  session.close();
  return { rcpt, data, end };
}

const storedKeys = async () => {
  const listed = await (
    await fetch(`http://127.0.0.1:${PORT_BASE}/fixture-dev-mail?list-type=2&prefix=inbox%2F`, {
      headers: { authorization: localAuthorization('s3', 'fixtureclient') },
    })
  ).text();
  return [...listed.matchAll(/<Key>([^<]+)<\/Key>/g)].map((match) => match[1]);
};

describe('SES receiving: the 40 MB limit', () => {
  it('is 40 MiB, advertised in EHLO as SIZE', async () => {
    expect(MAX_MESSAGE_BYTES).toBe(LIMIT);
    const { session, ehlo } = await transaction();
    session.close();
    expect(ehlo).toMatch(new RegExp(`^250[- ]SIZE ${LIMIT}$`, 'm'));
  });

  it('refuses a declared SIZE over the limit at MAIL FROM with a permanent 552', async () => {
    const { session, mail } = await transaction(`MAIL FROM:<author@example.com> SIZE=${LIMIT + 1}`);
    session.close();
    expect(mail).toMatch(/^552 /);
  });

  it('takes a declared SIZE at the limit', async () => {
    const { session, mail } = await transaction(`MAIL FROM:<author@example.com> SIZE=${LIMIT}`);
    session.close();
    expect(mail).toMatch(/^250 /);
  });

  it('refuses a message one byte over the limit, sent without SIZE, with a permanent 552 after the data, and stores nothing', async () => {
    const before = await storedKeys();
    const { session } = await transaction();
    const { rcpt, end } = await send(session, messageOfSize(LIMIT + 1, 'too large'));
    expect(rcpt).toMatch(/^250 /);
    expect(end).toMatch(/^552 /);
    expect(await storedKeys()).toEqual(before);
  }, 60_000);

  it('stores a message one byte under the limit', async () => {
    const before = await storedKeys();
    const { session } = await transaction();
    const { end } = await send(session, messageOfSize(LIMIT - 1, 'just fits'));
    expect(end).toMatch(/^250 /);
    expect((await storedKeys()).length).toBe(before.length + 1);
  }, 60_000);
});

describe('SES receiving: recipients no receipt rule covers', () => {
  const small = messageOfSize(200, 'hello');

  it.each([
    'anything.submissions@stories.example.com',
    'submissions@mail.stories.example.com',
    'submissions@stories.example.com.evil.test',
    'xsubmissions@stories.example.com',
  ])('refuses %s at RCPT TO with 550', async (recipient) => {
    const { session } = await transaction();
    const { rcpt, data } = await send(session, small, recipient);
    expect(rcpt).toMatch(/^550 /);
    // No recipient was accepted, so there is no transaction to take data for.
    expect(data).toMatch(/^5\d\d /);
  });

  it.each(['submissions@stories.example.com', 'Submissions@Stories.Example.COM', 'submissions+story-42@stories.example.com'])(
    'takes %s (the address, any case, with a label)',
    async (recipient) => {
      const { session } = await transaction();
      const { rcpt, end } = await send(session, small, recipient);
      expect(rcpt).toMatch(/^250 /);
      expect(end).toMatch(/^250 /);
    },
  );
});

describe('SES receiving SMTP at the exact limit (a server with a 1000-byte limit)', () => {
  const delivered: number[] = [];
  const server = receivingSmtpServer({ maxMessageBytes: 1000, accepts: () => true, deliver: async (raw) => void delivered.push(raw.length) });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('stores a message of exactly the limit, every byte of it', async () => {
    const { session } = await transaction('MAIL FROM:<author@example.com>', port);
    expect((await send(session, messageOfSize(1000))).end).toMatch(/^250 /);
    expect(delivered.at(-1)).toBe(1000);
  });

  it('refuses one byte more with 552, without handing anything on', async () => {
    const count = delivered.length;
    const { session } = await transaction('MAIL FROM:<author@example.com>', port);
    expect((await send(session, messageOfSize(1001))).end).toMatch(/^552 /);
    expect(delivered.length).toBe(count);
  });

  it('keeps the connection usable after a 552: the next message goes through', async () => {
    const { session } = await transaction('MAIL FROM:<author@example.com>', port);
    await session.command('RCPT TO:<a@example.com>');
    await session.command('DATA');
    expect(await session.data(messageOfSize(5000))).toMatch(/^552 /);
    expect(await session.command('MAIL FROM:<author@example.com>')).toMatch(/^250 /);
    const { end } = await send(session, messageOfSize(500));
    expect(end).toMatch(/^250 /);
  });
});
