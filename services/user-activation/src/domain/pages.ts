import { escapeHtml } from '@zero-idle/core';

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">${body}</body></html>`;
}

/**
 * The page the email links to. Opening it changes nothing (mail scanners open links); the button posts
 * the form that activates.
 */
export function confirmPage(username: string, token: string): string {
  return page(
    'Activate your account',
    `<h1>Activate ${escapeHtml(username)}</h1><form method="post" action="activate">` +
      `<input type="hidden" name="username" value="${escapeHtml(username)}"><input type="hidden" name="token" value="${escapeHtml(token)}">` +
      '<button type="submit">Activate my account</button></form>',
  );
}

export function activatedPage(username: string): string {
  return page('Account activated', `<h1>Welcome, ${escapeHtml(username)}</h1><p>Your account is active.</p>`);
}

export function invalidLinkPage(): string {
  return page('Link not valid', '<h1>This activation link is not valid</h1><p>It may have expired or been used already. Ask for a new activation email.</p>');
}
