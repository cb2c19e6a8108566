import { escapeHtml } from '@zero-idle/core';
import { CHOICE_LIMITS, type Choice, describeChoice } from './choice';
import type { Subscriber } from './ports';
import type { Region } from './regions';

// Plain forms, no script and no external file: the pages work with JavaScript off, in one request,
// and on a phone (48 px touch targets, text that wraps).
const STYLE =
  'body{font-family:system-ui,sans-serif;font-size:1.125rem;line-height:1.5;max-width:36rem;margin:1.5rem auto;padding:0 1rem;overflow-wrap:anywhere}' +
  'h1{font-size:1.5rem}fieldset{border:1px solid #ccc;border-radius:.5rem;margin:0 0 1rem;padding:.5rem 1rem}' +
  'label{display:flex;align-items:center;gap:.5rem;min-height:48px}input[type=checkbox]{width:1.5rem;height:1.5rem}' +
  'input[type=email],input[type=text]{font:inherit;width:100%;box-sizing:border-box;min-height:48px;padding:.5rem}' +
  'button{font:inherit;min-height:48px;width:100%;padding:.75rem 1rem;margin:.5rem 0;border:0;border-radius:.5rem;background:#1f5fbf;color:#fff}' +
  'button.stop{background:#a33}.price{margin-left:auto;color:#555}.error{color:#a33;font-weight:600}';

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

const price = (value: number | null) => (value === null ? 'no price' : `$${value.toFixed(2)}`);
const amount = (value: number | undefined) => (value === undefined ? '' : value.toFixed(2));

/** The choice's fields: a checkbox per region with its latest price, and the two thresholds. */
function choiceFields(regions: readonly Region[], choice?: Choice): string {
  const checked = new Set(choice?.regions ?? []);
  const week = regions[0]?.week;
  if (!regions.length) return '<p role="status">No prices are stored yet: the regions appear after the first weekly fetch.</p>';
  const boxes = regions
    .map(
      (region) =>
        `<label><input type="checkbox" name="regions" value="${escapeHtml(region.id)}"${checked.has(region.id) ? ' checked' : ''}>` +
        `${escapeHtml(region.name)}<span class="price">${price(region.price)}</span></label>`,
    )
    .join('');
  return (
    `<fieldset><legend>Regions${week ? ` (average price per gallon, week of ${escapeHtml(week)})` : ''}</legend>${boxes}</fieldset>` +
    `<label for="minDrop">Only drops of at least ($, optional)</label><input type="text" inputmode="decimal" id="minDrop" name="minDrop" placeholder="${CHOICE_LIMITS.minDrop.min.toFixed(2)}" value="${amount(choice?.minDrop)}">` +
    `<label for="below">Only when the price is below ($, optional)</label><input type="text" inputmode="decimal" id="below" name="below" placeholder="3.10" value="${amount(choice?.below)}">`
  );
}

const problem = (message?: string) => (message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : '');

/** GET /: subscribe to the regions and thresholds one chooses. */
export function subscribePage(regions: readonly Region[], error?: { message: string; email?: string; choice?: Choice }): string {
  return page(
    'Gas price alerts for New York',
    `<h1>Gas price alerts for New York</h1><p>An email when the weekly average price of gasoline drops where you choose.</p>${problem(error?.message)}` +
      `<form method="post" action="/subscriptions"><label for="email">Your email</label><input type="email" id="email" name="email" required autocomplete="email" value="${escapeHtml(error?.email ?? '')}">` +
      `${choiceFields(regions, error?.choice)}<button type="submit">Subscribe</button></form>` +
      '<p><a href="/manage">Change or stop your alerts</a></p>',
  );
}

export function confirmationSentPage(email: string): string {
  return page(
    'Check your inbox',
    `<h1>Check your inbox</h1><p>An email from AWS Notifications is on its way to ${escapeHtml(email)}. Open the link in it to confirm; no alert is sent before that.</p>`,
  );
}

export function updatedPage(email: string): string {
  return page('Alerts changed', `<h1>Alerts changed</h1><p>The alerts for ${escapeHtml(email)} now follow your new choice.</p>`);
}

/** GET /manage, where the link in every alert leads: the personal link goes by email to the address's owner. */
export function managePage(message?: string): string {
  return page(
    'Change or stop your alerts',
    `<h1>Change or stop your alerts</h1>${message ? `<p role="status">${escapeHtml(message)}</p>` : ''}` +
      '<p>Enter the address you subscribed: we email it your personal link to change or stop the alerts.</p>' +
      '<form method="post" action="/manage-links"><label for="email">Your email</label><input type="email" id="email" name="email" required autocomplete="email">' +
      '<button type="submit">Email me my link</button></form><p><a href="/">Subscribe</a></p>',
  );
}

const STATES = { pending: 'waiting for you to open the confirmation link', confirmed: 'active', ended: 'stopped' } as const;

/** GET /subscriptions/{token}: the subscription, a form to change it and a button to stop it. */
export function subscriptionPage(subscriber: Subscriber, regions: readonly Region[], notice?: string): string {
  const action = `/subscriptions/${encodeURIComponent(subscriber.token)}`;
  const names = new Map(regions.map((region) => [region.id, region.name]));
  const summary = `<p>Alerts for ${escapeHtml(subscriber.email)}: <strong>${STATES[subscriber.state]}</strong>. You follow ${escapeHtml(describeChoice(subscriber.choice, names))}.</p>`;
  if (subscriber.state === 'ended') return page('Your alerts', `<h1>Your alerts</h1>${problem(notice)}${summary}<p><a href="/">Subscribe again</a></p>`);
  return page(
    'Your alerts',
    `<h1>Your alerts</h1>${notice ? `<p role="status">${escapeHtml(notice)}</p>` : ''}${summary}` +
      `<form method="post" action="${action}"><input type="hidden" name="action" value="change">${choiceFields(regions, subscriber.choice)}<button type="submit">Save my choice</button></form>` +
      `<form method="post" action="${action}"><input type="hidden" name="action" value="stop"><button type="submit" class="stop">Stop all alerts</button></form>`,
  );
}

export function errorPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>${problem(message)}<p><a href="/">Back to the alerts page</a></p>`);
}
