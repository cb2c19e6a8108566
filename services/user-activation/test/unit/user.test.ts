import { describe, expect, it } from '@jest/globals';
import { parse } from '@zero-idle/core';
import { activationEmail } from '../../src/domain/emails';
import { confirmPage } from '../../src/domain/pages';
import { activationLink, activationToken, checkToken, executionName, newToken, registration, statusOf, type User } from '../../src/domain/user';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const NOW = Date.UTC(2026, 10, 29);

function user(overrides: Partial<User> = {}): User {
  return {
    username: 'alice',
    email: 'alice@example.com',
    name: 'Alice',
    status: 'MAIL_SENT',
    tokenVersion: 1,
    tokenNonce: 'nonce-1',
    tokenExpiresAt: NOW + 1000,
    createdAt: new Date(NOW).toISOString(),
    ...overrides,
  };
}

describe('registration', () => {
  it('normalises username and email', () => {
    expect(parse(registration, { username: ' Alice_1 ', email: 'Alice@Example.COM', name: ' Alice ' })).toEqual({
      ok: true,
      value: { username: 'alice_1', email: 'alice@example.com', name: 'Alice' },
    });
  });

  it.each([
    [{ username: 'ab' }, 'a username is 3-32 letters'],
    [{ username: '-abc' }, 'a username is 3-32 letters'],
    [{ username: 'a b c' }, 'a username is 3-32 letters'],
    [{ email: 'not-an-email' }, 'email must be an email address'],
    [{ name: '' }, 'a name is required'],
    [{ name: 'x'.repeat(101) }, 'a name is at most 100 characters'],
    [{ name: '\u202E\u0000\n' }, 'a name is required'],
  ])('rejects %j', (change, message) => {
    expect(parse(registration, { username: 'alice', email: 'a@example.com', name: 'A', ...change })).toEqual({
      ok: false,
      problems: expect.stringContaining(message),
    });
  });
});

describe('names', () => {
  // The characters the hostile registrations used: NUL, LINE SEPARATOR, NEXT LINE, RIGHT-TO-LEFT
  // OVERRIDE, and newlines that wrote lines of their own into the plain-text email.
  it.each([
    ['Eve\u0000Smith', 'Eve Smith'],
    ['Eve\u2028Smith', 'Eve Smith'],
    ['Eve\u0085Smith', 'Eve Smith'],
    ['Eve \u202Enimda', 'Eve nimda'],
    ['Eve\n\nYour account is locked. Verify at http://evil.example/login', 'Eve Your account is locked. Verify at http://evil.example/login'],
  ])('keeps %j to one line of visible text', (name, expected) => {
    expect(parse(registration, { username: 'eve', email: 'eve@example.com', name })).toEqual({ ok: true, value: expect.objectContaining({ name: expected }) });
  });
});

describe('activation tokens', () => {
  it('makes a fresh 128-bit nonce and an expiry for each token version', () => {
    const a = newToken(NOW, 48);
    expect(Buffer.from(a.tokenNonce, 'base64url')).toHaveLength(16);
    expect(a.tokenExpiresAt).toBe(NOW + 48 * 3_600_000);
    expect(newToken(NOW, 48).tokenNonce).not.toBe(a.tokenNonce);
  });

  it('derives the token from the secret, the user, the version and the nonce', () => {
    const token = activationToken(SECRET, user());
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(activationToken(SECRET, user())).toBe(token);
    expect(activationToken(`${SECRET}x`, user())).not.toBe(token);
    expect(activationToken(SECRET, user({ tokenVersion: 2 }))).not.toBe(token);
    expect(activationToken(SECRET, user({ tokenNonce: 'nonce-2' }))).not.toBe(token);
    // The table holds only the nonce: it is not the token.
    expect(token).not.toContain('nonce-1');
  });

  it('accepts only the current token before it expires, and only once', () => {
    const token = activationToken(SECRET, user());
    expect(checkToken(SECRET, user(), token, NOW)).toBe('valid');
    expect(checkToken(SECRET, user(), `${token.slice(0, -1)}A`, NOW)).toBe('invalid');
    expect(checkToken(SECRET, user(), 'short', NOW)).toBe('invalid');
    expect(checkToken(SECRET, user(), token, NOW + 1001)).toBe('expired');
    expect(checkToken(SECRET, user({ status: 'DONE' }), token, NOW)).toBe('already-active');
    expect(checkToken(SECRET, user({ tokenVersion: 2 }), token, NOW)).toBe('invalid');
    expect(checkToken(SECRET, undefined, token, NOW)).toBe('invalid');
  });

  it('URL-encodes the values of the link and keeps the base URL', () => {
    expect(activationLink('https://example.com/app/activate?lang=en', 'al+ice', 'a/b=c')).toBe(
      'https://example.com/app/activate?lang=en&username=al%2Bice&token=a%2Fb%3Dc',
    );
  });

  it('names executions after the user and token version', () => {
    expect(executionName('alice', 3)).toBe('alice-v3');
  });
});

describe('activation email and page', () => {
  it('escapes the name and the link in HTML only', () => {
    const email = activationEmail({
      name: '<script>alert(1)</script>',
      username: 'alice',
      link: 'https://x.test/activate?username=alice&token=t',
      expiresAt: NOW,
    });
    expect(email.html).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('href="https://x.test/activate?username=alice&amp;token=t"');
    expect(email.text).toContain('Hello <script>alert(1)</script>');
    expect(email.text).toContain('https://x.test/activate?username=alice&token=t');
    expect(email.text).toContain('Sun, 29 Nov 2026 00:00:00 GMT');
  });

  it('puts the values into the confirmation form escaped', () => {
    const page = confirmPage('alice', '"><script>');
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;"');
    expect(page).toContain('<form method="post" action="activate">');
  });
});

describe('statusOf', () => {
  it('is the status of the current version, SUPERSEDED for an older one, MISSING without a user', () => {
    expect(statusOf(user({ status: 'NONE' }), 1)).toBe('NONE');
    expect(statusOf(user({ tokenVersion: 2 }), 1)).toBe('SUPERSEDED');
    expect(statusOf(undefined, 1)).toBe('MISSING');
  });
});
