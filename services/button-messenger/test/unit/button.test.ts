import { describe, expect, it } from '@jest/globals';
import { parse } from '@zero-idle/core';
import { buttonSettings, hashSecret, newButtonSecret, secretMatches } from '../../src/domain/button';

describe('button settings', () => {
  const valid = { buttonId: 'G030JF055364XVRB', sender: 'me@example.com', recipients: ['a@example.com'], subject: 'S', message: 'M' };

  it('accepts a complete button', () => {
    expect(parse(buttonSettings, valid)).toEqual({ ok: true, value: valid });
  });

  it.each([
    [{ recipients: [] }, 'at least one recipient'],
    [{ recipients: ['not-an-email'] }, 'every recipient must be an email address'],
    [{ sender: 'nobody' }, 'sender must be an email address'],
    [{ buttonId: '../x' }, 'a button id is 1-64 letters'],
    [{ subject: '  ' }, 'a subject is required'],
    [{ message: '' }, 'a message is required'],
  ])('rejects %j with a clear message', (change, message) => {
    const result = parse(buttonSettings, { ...valid, ...change });
    expect(result).toEqual({ ok: false, problems: expect.stringContaining(message) });
  });
});

describe('button secrets', () => {
  it('stores only a hash and matches the secret it came from', () => {
    const { secret, secretHash } = newButtonSecret();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(secretHash).toBe(hashSecret(secret));
    expect(secretHash).not.toContain(secret);
    expect(secretMatches(secret, secretHash)).toBe(true);
    expect(secretMatches(`${secret}x`, secretHash)).toBe(false);
    expect(secretMatches(secret, undefined)).toBe(false);
  });

  it('makes a different secret every time', () => {
    expect(newButtonSecret().secret).not.toBe(newButtonSecret().secret);
  });
});
