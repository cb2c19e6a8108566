import { describe, expect, it } from '@jest/globals';
import { buttonSettings, hashSecret, newButtonSecret, secretMatches } from '../../src/domain/button';

describe('button settings', () => {
  const valid = { buttonId: 'G030JF055364XVRB', sender: 'me@example.com', recipients: ['a@example.com'], subject: 'S', message: 'M' };

  it('accepts a complete button', () => {
    expect(buttonSettings.parse(valid)).toEqual(valid);
  });

  it.each([
    [{ recipients: [] }, 'at least one recipient'],
    [{ recipients: ['not-an-email'] }, 'every recipient must be an email address'],
    [{ sender: 'nobody' }, 'sender must be an email address'],
    [{ buttonId: '../x' }, 'a button id is 1-64 letters'],
    [{ subject: '  ' }, 'a subject is required'],
    [{ message: '' }, 'a message is required'],
  ])('rejects %j with a clear message', (change, message) => {
    const result = buttonSettings.safeParse({ ...valid, ...change });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(message);
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
