// As a new user would: register over HTTP, get the email, open the link, press the button.
import { describe, expect, it } from '@jest/globals';
import * as given from '../steps/given';
import * as then from '../steps/then';
import { throughTheApi as when } from '../steps/when';

describe('user-activation end to end', () => {
  it('registers, mails one activation link, and activates once', async () => {
    const user = given.aNewUser('Ada Lovelace');
    const registered = await when.registers(user);
    expect(registered.status).toBe(201);
    expect(await registered.json()).toMatchObject({ username: user.username, status: 'NONE' });

    const emails = await then.emailsArrive(user.email);
    expect(emails).toHaveLength(1);
    const link = then.linkIn(emails[0]);
    expect(link.searchParams.get('username')).toBe(user.username);

    // Opening the link changes nothing; the form post activates.
    expect((await then.theUser(user.username))?.status).toBe('MAIL_SENT');
    const activated = await when.followsTheLink(link);
    expect(activated.status).toBe(200);
    expect(await activated.text()).toContain(`Welcome, ${user.username}`);
    expect(await then.theUser(user.username)).toMatchObject({ status: 'DONE', activatedAt: expect.any(String) });

    // The same link again: rejected.
    const reused = await when.activatesWith(user.username, link.searchParams.get('token') ?? '');
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: 'InvalidActivation' });
    expect(await then.emailsTo(user.email)).toHaveLength(1);
  });

  it('refuses a taken username or email, and bad input, with clear errors', async () => {
    const user = given.aNewUser();
    expect((await when.registers(user)).status).toBe(201);
    const sameName = await when.registers({ ...user, email: `other-${user.email}` });
    expect(sameName.status).toBe(409);
    expect(await sameName.json()).toMatchObject({ error: 'UsernameTaken' });
    const sameEmail = await when.registers({ ...given.aNewUser(), email: user.email.toUpperCase() });
    expect(sameEmail.status).toBe(409);
    expect(await sameEmail.json()).toMatchObject({ error: 'EmailTaken' });
    const invalid = await when.registers({ username: 'x', email: 'nope', name: '' });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { message: string }).message).toEqual(expect.stringContaining('email must be an email address'));
    const notJson = await when.postsToUsers('{');
    expect(notJson.status).toBe(400);
  });

  it('rejects wrong and expired tokens and unknown users with the same answer', async () => {
    const user = given.aNewUser();
    await when.registers(user);
    const token = then.linkIn((await then.emailsArrive(user.email))[0]).searchParams.get('token') ?? '';
    const answers = [await when.activatesWith(user.username, `${token.slice(0, -2)}xx`), await when.activatesWith('nosuchuser', token)];
    await given.theUserHas(user.username, { tokenExpiresAt: Date.now() - 1 });
    answers.push(await when.activatesWith(user.username, token));
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(await answer.json()).toEqual({
        error: 'InvalidActivation',
        message: 'This activation link is not valid: it may have expired or been used already',
      });
    }
    expect((await then.theUser(user.username))?.status).toBe('MAIL_SENT');
    const page = await when.opensThePage();
    expect(page.status).toBe(400);
  });

  it('resends a new link that replaces the old one, within limits', async () => {
    const user = given.aNewUser();
    await when.registers(user);
    const firstLink = then.linkIn((await then.emailsArrive(user.email))[0]);
    const resend = () => when.asksForANewLink(user.username);

    const tooSoon = await resend();
    expect(tooSoon.status).toBe(429);
    expect(await tooSoon.json()).toMatchObject({ error: 'TooSoon' });

    await given.theUserHas(user.username, { lastMailRequestedAt: Date.now() - 61_000 });
    expect((await resend()).status).toBe(202);
    const emails = await then.emailsArrive(user.email, 2);
    expect(emails).toHaveLength(2);
    const secondLink = then.linkIn(emails[1]);
    expect(secondLink.searchParams.get('token')).not.toBe(firstLink.searchParams.get('token'));

    expect((await when.activatesWith(user.username, firstLink.searchParams.get('token') ?? '')).status).toBe(400);
    expect((await when.followsTheLink(secondLink)).status).toBe(200);

    // Active now: a resend sends nothing, and says the same as for an unknown user.
    await given.theUserHas(user.username, { lastMailRequestedAt: 0 });
    expect((await resend()).status).toBe(202);
    expect((await when.asksForANewLink('nosuchuser')).status).toBe(202);
    await then.everythingHasRunFor(user.username);
    expect(await then.emailsTo(user.email)).toHaveLength(2);
  });

  it('answers a resend the same for an account that exists and one that does not', async () => {
    const user = given.aNewUser();
    await when.registers(user);
    await then.emailsArrive(user.email);
    const unknown = given.aNewUser().username;
    const ask = async (username: string) => {
      const response = await when.asksForANewLink(username);
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
    await given.theUserHas(user.username, { lastMailRequestedAt: 0, resendCount: 5 });
    await given.theUserHas(unknown, { lastMailRequestedAt: 0, resendCount: 5 });
    const [knownLimit, strangerLimit] = await Promise.all([ask(user.username), ask(unknown)]);
    expect(knownLimit.status).toBe(429);
    expect(knownLimit.body.replace(user.username, '<name>')).toBe(strangerLimit.body.replace(unknown, '<name>'));
    expect(await then.emailsTo(user.email)).toHaveLength(1);
  });

  it('answers 20 concurrent resends for one username with one 202 and 19 of the same 429', async () => {
    const user = given.aNewUser();
    const answers = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const response = await when.asksForANewLink(user.username);
        return `${response.status} ${await response.text()}`;
      }),
    );
    expect(answers.filter((answer) => answer.startsWith('202 '))).toHaveLength(1);
    expect(new Set(answers.filter((answer) => !answer.startsWith('202 ')))).toEqual(
      new Set(['429 {"error":"TooSoon","message":"Wait 60 seconds between activation emails"}']),
    );
  });

  it('keeps a hostile name to one line in the email and the answer', async () => {
    const user = given.aNewUser('Eve\u202E\u0000\u2028\u0085\n\nYour account is locked. Verify at http://evil.example/login');
    const registered = await when.registers(user);
    expect(registered.status).toBe(201);
    const clean = 'Eve Your account is locked. Verify at http://evil.example/login';
    expect(await registered.json()).toMatchObject({ message: `Welcome ${clean}: an activation email is on its way to ${user.email}.` });
    const [email] = await then.emailsArrive(user.email);
    expect(email?.subject).toBe(`Activate your account, ${clean}`);
    expect((email?.body.text ?? '').split('\n')[0]).toBe(`Hello ${clean},`);
    expect(email?.body.text).not.toMatch(/^Your account is locked/m);
    const shown = `${email?.subject}${email?.body.text}${email?.body.html}`;
    expect(['\u0000', '\u0085', '\u2028', '\u202E'].filter((character) => shown.includes(character))).toEqual([]);
  });

  it('stops resending at the limit', async () => {
    const user = given.aNewUser();
    await when.registers(user);
    await then.emailsArrive(user.email);
    await given.theUserHas(user.username, { lastMailRequestedAt: 0, resendCount: 5 });
    const limited = await when.asksForANewLink(user.username);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: 'ResendLimit' });
  });
});
