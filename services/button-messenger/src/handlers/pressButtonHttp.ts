import { ClientError, createHandler } from '@zero-idle/core';
import * as z from 'zod/mini';
import { pressDependencies } from '../dependencies';
import { pressButton } from '../domain/press';

const jsonText = z.transform((text: string | undefined, ctx) => {
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.issues.push({ code: 'custom', message: 'body must be JSON', input: text });
    return z.NEVER;
  }
});

const body = z.pipe(z.pipe(z.optional(z.string()), jsonText), z.object({ clickType: z._default(z.enum(['SINGLE', 'DOUBLE', 'LONG']), 'SINGLE') }));

/** API Gateway HTTP API (payload 2.0): POST /buttons/{buttonId}/press with "Authorization: Bearer <secret>". */
const httpPress = z.object({
  pathParameters: z.object({ buttonId: z.string().check(z.minLength(1), z.maxLength(64)) }),
  headers: z._default(z.record(z.string(), z.string()), {}),
  body,
  isBase64Encoded: z._default(z.literal(false, 'body must be JSON text'), false),
});

const BEARER = /^Bearer\s+(\S+)$/i;

const json = (statusCode: number, payload: unknown) => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(payload),
});

/** The HTTPS trigger a phone shortcut calls; the per-button secret stands in for the device certificate. */
export const handler = createHandler({ event: httpPress, http: true }, async (event, { log }) => {
  const buttonId = event.pathParameters.buttonId;
  log({ button: buttonId, clickType: event.body.clickType, source: 'http' });
  const secret = BEARER.exec(event.headers.authorization ?? '')?.[1];
  if (!secret) throw new ClientError(401, 'Send the button secret as "Authorization: Bearer <secret>"', 'Unauthorized');

  const result = await pressButton(pressDependencies, { buttonId, clickType: event.body.clickType, source: 'http', secret });
  log(result);
  switch (result.outcome) {
    case 'unknown-button':
    case 'unauthorized':
      // The same answer for both, so the endpoint does not reveal which buttons exist.
      throw new ClientError(401, 'Unknown button or wrong secret', 'Unauthorized');
    case 'failed':
      return json(502, { ...result, message: 'The email could not be sent; the button is still armed, press again.' });
    case 'sent':
      return json(200, { ...result, message: 'Email sent.' });
    case 'already-sent':
      return json(200, { ...result, message: 'Already sent; this press sent nothing.' });
    case 'in-progress':
      return json(409, { ...result, message: 'Another press is sending right now; this press sent nothing.' });
  }
});
