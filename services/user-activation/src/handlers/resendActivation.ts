import { ClientError, createHandler, json } from '@zero-idle/core';
import * as z from 'zod/mini';
import { activations, clock, limits, store } from '../dependencies';
import { ResendRefused, resendActivation } from '../domain/resend';

const request = z.object({ pathParameters: z.object({ username: z.string().check(z.minLength(1), z.maxLength(64)) }) });
const deps = {
  throttle: store.throttle,
  users: store,
  activations: activations(),
  clock,
  limits: { ttlHours: limits.ttlHours, cooldownMs: limits.resendCooldownSeconds * 1000, maxResends: limits.maxResends },
};

const ACCEPTED = 'If the account exists and is not active yet, a new activation email is on its way.';

/**
 * POST /users/{username}/activation-email: a new link, at most once per cooldown and a few times in
 * all, counted per username whether it exists or not, so every answer is the same for everyone.
 */
export const handler = createHandler({ event: request, http: true }, async (event, { log }) => {
  const username = event.pathParameters.username.toLowerCase();
  try {
    const outcome = await resendActivation(deps, username);
    log({ username, ...outcome });
  } catch (error) {
    if (!(error instanceof ResendRefused)) throw error;
    throw new ClientError(429, error.message, error.reason === 'limit' ? 'ResendLimit' : 'TooSoon');
  }
  return json(202, { message: ACCEPTED });
});
