// What the local SES receiving adds to a stored message: virus and spam verdicts on decoded parts,
// and SPF/DMARC by the documented local rule, in the headers' format SES writes.
import { describe, expect, it } from '@jest/globals';
import { authenticationHeaders } from '../../src/services/ses/authentication';
import { scanMessage } from '../../src/services/ses/scan';

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
const message = (part: { encoding: string; body: string }) =>
  Buffer.from(
    [
      'From: ada@example.com',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Attached.',
      '--b',
      'Content-Type: application/octet-stream; name="story.docx"',
      `Content-Transfer-Encoding: ${part.encoding}`,
      '',
      part.body,
      '--b--',
      '',
    ].join('\r\n'),
  );

describe('local SES scanning', () => {
  it('finds EICAR in a base64 attachment, where the raw bytes do not show it', async () => {
    const raw = message({ encoding: 'base64', body: Buffer.from(EICAR).toString('base64') });
    expect(raw.toString()).not.toContain(EICAR);
    expect(await scanMessage(raw)).toEqual({ spam: 'PASS', virus: 'FAIL' });
  });

  it('finds GTUBE in quoted-printable text split across lines', async () => {
    const qp = `${GTUBE.slice(0, 40)}=\r\n${GTUBE.slice(40).replace(/=/g, '=3D')}`;
    expect(await scanMessage(message({ encoding: 'quoted-printable', body: qp }))).toEqual({ spam: 'FAIL', virus: 'PASS' });
  });

  it('passes a clean message', async () => {
    expect(await scanMessage(message({ encoding: 'base64', body: Buffer.from('a story').toString('base64') }))).toEqual({ spam: 'PASS', virus: 'PASS' });
  });
});

describe('local SES authentication verdicts', () => {
  const raw = (from: string) => Buffer.from(`From: ${from}\r\nSubject: x\r\n\r\nbody`);
  const session = (envelopeFrom: string) => ({ envelopeFrom, clientIp: '127.0.0.1', helo: 'client.example' });

  it('passes SPF and DMARC when the envelope domain is aligned with the From domain', () => {
    const [spf, results] = authenticationHeaders(raw('Ada <ada@example.com>'), session('bounces@mail.example.com'));
    expect(spf).toMatch(/^Received-SPF: pass /);
    expect(results?.replace(/\r\n /g, ' ')).toMatch(
      /^Authentication-Results: amazonses\.com; spf=pass .* envelope-from=bounces@mail\.example\.com; .* dkim=none; dmarc=pass header\.from=example\.com;$/,
    );
  });

  it('fails them for a From another domain sent, and says none for the null sender', () => {
    expect(authenticationHeaders(raw('victim@example.net'), session('attacker@evil.example'))[1]).toMatch(
      /spf=fail[\s\S]*dmarc=fail header\.from=example\.net;/,
    );
    expect(authenticationHeaders(raw('MAILER-DAEMON@mx.example.com'), session(''))[0]).toMatch(/^Received-SPF: none /);
  });
});
