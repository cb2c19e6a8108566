import { createHandler, html } from '@zero-idle/core';
import * as z from 'zod/mini';
import { confirmPage, invalidLinkPage } from '../domain/pages';

const query = z.object({
  queryStringParameters: z.optional(z.object({ username: z.optional(z.string()), token: z.optional(z.string()) })),
});

/** GET /activate?username=..&token=..: the emailed link. It only shows the button that activates. */
export const handler = createHandler({ event: query, http: true }, async (event, { log }) => {
  const { username, token } = event.queryStringParameters ?? {};
  log({ username });
  if (!username || !token) return html(400, invalidLinkPage());
  return html(200, confirmPage(username, token));
});
