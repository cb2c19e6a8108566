import { escapeHtml } from '@zero-idle/core';

// No script and no external file: the page works with JavaScript off and loads in one request. The
// button is a 48 px touch target, and long usernames wrap instead of widening the page on a phone.
const STYLE =
  'body{font-family:system-ui,sans-serif;font-size:1.125rem;line-height:1.5;max-width:32rem;margin:2rem auto;padding:0 1rem;overflow-wrap:anywhere}' +
  'h1{font-size:1.5rem}button{font:inherit;min-height:48px;width:100%;padding:.75rem 1rem;border:0;border-radius:.5rem;background:#1f5fbf;color:#fff;cursor:pointer}';

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/**
 * The page the email links to. Opening it changes nothing (mail scanners open links); the button posts
 * the form that activates.
 */
export function confirmPage(username: string, token: string): string {
  return page(
    'Activate your account',
    `<h1>Activate ${escapeHtml(username)}</h1><p>Press the button to finish setting up your account.</p><form method="post" action="activate">` +
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
