// As a new user would: register over HTTP, get the email, open the link, press the button.
import { describe, expect, it } from '@jest/globals';
import { emailsTo, testCloud, waitForEmails } from '@zero-idle/local-cloud/testing';
import { activationsSettled, linkIn, setAttributes, store, uniqueUser } from '../support/users';

const api = () => testCloud().httpApi('user-activation');

async function register(user: { username: string; email: string; name: string }) {
  return fetch(`${api()}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(user) });
}

/** What a browser does with the page the link opens: submit its form. */
async function followLink(link: URL): Promise<Response> {
  const page = await fetch(link);
  expect(page.status).toBe(200);
  const markup = await page.text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(markup)?.[1] ?? '';
  return fetch(new URL('activate', link), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    body: new URLSearchParams({ username: field('username'), token: field('token') }).toString(),
  });
}

const activateJson = (username: string, token: string) =>
  fetch(`${api()}/activate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, token }) });

describe('user-activation end to end', () => {
  it('registers, mails one activation link, and activates once', async () => {
    const user = uniqueUser('Ada Lovelace');
    const registered = await register(user);
    expect(registered.status).toBe(201);
    expect(await registered.json()).toMatchObject({ username: user.username, status: 'NONE' });

    const emails = await waitForEmails(user.email);
    expect(emails).toHaveLength(1);
    const link = linkIn(emails[0]);
    expect(link.searchParams.get('username')).toBe(user.username);

    // Opening the link changes nothing; the form post activates.
    expect((await store.get(user.username))?.status).toBe('MAIL_SENT');
    const activated = await followLink(link);
    expect(activated.status).toBe(200);
    expect(await activated.text()).toContain(`Welcome, ${user.username}`);
    expect(await store.get(user.username)).toMatchObject({ status: 'DONE', activatedAt: expect.any(String) });

    // The same link again: rejected.
    const reused = await activateJson(user.username, link.searchParams.get('token') ?? '');
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: 'InvalidActivation' });
    expect(await emailsTo(user.email)).toHaveLength(1);
  });

  it('refuses a taken username or email, and bad input, with clear errors', async () => {
    const user = uniqueUser();
    expect((await register(user)).status).toBe(201);
    const sameName = await register({ ...user, email: `other-${user.email}` });
    expect(sameName.status).toBe(409);
    expect(await sameName.json()).toMatchObject({ error: 'UsernameTaken' });
    const sameEmail = await register({ ...uniqueUser(), email: user.email.toUpperCase() });
    expect(sameEmail.status).toBe(409);
    expect(await sameEmail.json()).toMatchObject({ error: 'EmailTaken' });
    const invalid = await register({ username: 'x', email: 'nope', name: '' });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { message: string }).message).toEqual(expect.stringContaining('email must be an email address'));
    const notJson = await fetch(`${api()}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
  });

  it('rejects wrong and expired tokens and unknown users with the same answer', async () => {
    const user = uniqueUser();
    await register(user);
    const token = linkIn((await waitForEmails(user.email))[0]).searchParams.get('token') ?? '';
    const answers = [await activateJson(user.username, `${token.slice(0, -2)}xx`), await activateJson('nosuchuser', token)];
    await setAttributes(user.username, { tokenExpiresAt: Date.now() - 1 });
    answers.push(await activateJson(user.username, token));
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(await answer.json()).toEqual({
        error: 'InvalidActivation',
        message: 'This activation link is not valid: it may have expired or been used already',
      });
    }
    expect((await store.get(user.username))?.status).toBe('MAIL_SENT');
    const page = await fetch(`${api()}/activate`);
    expect(page.status).toBe(400);
  });

  it('resends a new link that replaces the old one, within limits', async () => {
    const user = uniqueUser();
    await register(user);
    const firstLink = linkIn((await waitForEmails(user.email))[0]);
    const resend = () => fetch(`${api()}/users/${user.username}/activation-email`, { method: 'POST' });

    const tooSoon = await resend();
    expect(tooSoon.status).toBe(429);
    expect(await tooSoon.json()).toMatchObject({ error: 'TooSoon' });

    await setAttributes(user.username, { lastMailRequestedAt: Date.now() - 61_000 });
    expect((await resend()).status).toBe(202);
    const emails = await waitForEmails(user.email, 2);
    expect(emails).toHaveLength(2);
    const secondLink = linkIn(emails[1]);
    expect(secondLink.searchParams.get('token')).not.toBe(firstLink.searchParams.get('token'));

    expect((await activateJson(user.username, firstLink.searchParams.get('token') ?? '')).status).toBe(400);
    expect((await followLink(secondLink)).status).toBe(200);

    // Active now: a resend sends nothing, and says the same as for an unknown user.
    await setAttributes(user.username, { lastMailRequestedAt: 0 });
    expect((await resend()).status).toBe(202);
    expect((await fetch(`${api()}/users/nosuchuser/activation-email`, { method: 'POST' })).status).toBe(202);
    await activationsSettled(user.username);
    expect(await emailsTo(user.email)).toHaveLength(2);
  });

  it('answers a resend the same for an account that exists and one that does not', async () => {
    const user = uniqueUser();
    await register(user);
    await waitForEmails(user.email);
    const unknown = uniqueUser().username;
    const ask = async (username: string) => {
      const response = await fetch(`${api()}/users/${username}/activation-email`, { method: 'POST' });
      return { status: response.status, body: await response.text() };
    };
    // Within the cooldown: the registered user (whose registration counts as the last email) and a
    // username nobody has, after its first request, get the same 429 with the same body.
    expect(await ask(unknown)).toEqual({
      status: 202,
      body: JSON.stringify({ message: 'If the account exists and is not active yet, a new activation email is on its way.' }),
    });
    const [known, stranger] = await Promise.all([ask(user.username), ask(unknown)]);
    expect(known).toEqual(stranger);
    expect(known).toEqual({ status: 429, body: JSON.stringify({ error: 'TooSoon', message: 'Wait 60 seconds between activation emails' }) });
    // At the limit, both again alike.
    await setAttributes(user.username, { lastMailRequestedAt: 0, resendCount: 5 });
    await setAttributes(unknown, { lastMailRequestedAt: 0, resendCount: 5 });
    const [knownLimit, strangerLimit] = await Promise.all([ask(user.username), ask(unknown)]);
    expect(knownLimit.status).toBe(429);
    expect(knownLimit.body.replace(user.username, '<name>')).toBe(strangerLimit.body.replace(unknown, '<name>'));
    expect(await emailsTo(user.email)).toHaveLength(1);
  });

  it('keeps a hostile name to one line in the email and the answer', async () => {
    const user = uniqueUser('Eve\u202E\u0000\u2028\u0085\n\nYour account is locked. Verify at http://evil.example/login');
    const registered = await register(user);
    expect(registered.status).toBe(201);
    const clean = 'Eve Your account is locked. Verify at http://evil.example/login';
    expect(await registered.json()).toMatchObject({ message: `Welcome ${clean}: an activation email is on its way to ${user.email}.` });
    const [email] = await waitForEmails(user.email);
    expect(email?.subject).toBe(`Activate your account, ${clean}`);
    expect((email?.body.text ?? '').split('\n')[0]).toBe(`Hello ${clean},`);
    expect(email?.body.text).not.toMatch(/^Your account is locked/m);
    const shown = `${email?.subject}${email?.body.text}${email?.body.html}`;
    expect(['\u0000', '\u0085', '\u2028', '\u202E'].filter((character) => shown.includes(character))).toEqual([]);
  });

  it('stops resending at the limit', async () => {
    const user = uniqueUser();
    await register(user);
    await waitForEmails(user.email);
    await setAttributes(user.username, { lastMailRequestedAt: 0, resendCount: 5 });
    const limited = await fetch(`${api()}/users/${user.username}/activation-email`, { method: 'POST' });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: 'ResendLimit' });
  });
});
