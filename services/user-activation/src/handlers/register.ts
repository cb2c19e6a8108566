import { createHandler, json, parseBody } from '@zero-idle/core';
import * as z from 'zod/mini';
import { limits, store } from '../dependencies';
import { newToken, registration } from '../domain/user';

/** POST /users {username, email, name}: the new row's stream INSERT starts the activation mail. */
export const handler = createHandler(
  { event: z.object({ body: z.optional(z.string()), isBase64Encoded: z.optional(z.boolean()) }), http: true },
  async (event, { log }) => {
    const input = parseBody(registration, event);
    log({ username: input.username });
    const now = Date.now();
    const user = await store.register(input, newToken(now, limits.ttlHours), now);
    return json(201, { username: user.username, status: user.status, message: `Welcome ${user.name}: an activation email is on its way to ${user.email}.` });
  },
);
