import { ClientError, createHandler, html, json, parseBody, wantsHtml } from '@zero-idle/core';
import * as z from 'zod/mini';
import { clock, required, store } from '../dependencies';
import { activateAccount } from '../domain/activate';
import { activatedPage, invalidLinkPage } from '../domain/pages';

const deps = { users: store, secret: required('ACTIVATION_SECRET'), clock };
const activation = z.object({ username: z.string().check(z.minLength(1), z.maxLength(64)), token: z.string().check(z.minLength(1), z.maxLength(128)) });
const request = z.object({
  body: z.optional(z.string()),
  isBase64Encoded: z.optional(z.boolean()),
  headers: z._default(z.record(z.string(), z.string()), {}),
});

/**
 * POST /activate {username, token} (JSON, or the form of the activation page). Unknown users, wrong,
 * expired and used tokens all get the same 400, so the answer does not tell who has an account.
 */
export const handler = createHandler({ event: request, http: true }, async (event, { log }) => {
  const { username, token } = parseBody(activation, event);
  const { activated, check } = await activateAccount(deps, username, token);
  log({ username, check, activated });
  if (!activated) {
    if (wantsHtml(event)) return html(400, invalidLinkPage());
    throw new ClientError(400, 'This activation link is not valid: it may have expired or been used already', 'InvalidActivation');
  }
  return wantsHtml(event) ? html(200, activatedPage(username)) : json(200, { username, status: 'DONE' });
});
