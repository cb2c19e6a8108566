import { ClientError, createHandler, json, parseBody } from '@zero-idle/core';
import * as z from 'zod/mini';
import { pressDependencies } from '../dependencies';
import { pressButton } from '../domain/press';

const pressBody = z.object({ clickType: z._default(z.enum(['SINGLE', 'DOUBLE', 'LONG']), 'SINGLE') });

/** API Gateway HTTP API (payload 2.0): POST /buttons/{buttonId}/press with "Authorization: Bearer <secret>". */
const httpPress = z.object({
  pathParameters: z.object({ buttonId: z.string().check(z.minLength(1), z.maxLength(64)) }),
  headers: z._default(z.record(z.string(), z.string()), {}),
  body: z.optional(z.string()),
  isBase64Encoded: z._default(z.boolean(), false),
});

const BEARER = /^Bearer\s+(\S+)$/i;

/** The HTTPS trigger a phone shortcut calls; the per-button secret stands in for the device certificate. */
export const handler = createHandler({ event: httpPress, http: true }, async (event, { log }) => {
  const buttonId = event.pathParameters.buttonId;
  const { clickType } = parseBody(pressBody, event);
  log({ button: buttonId, clickType, source: 'http' });
  const secret = BEARER.exec(event.headers.authorization ?? '')?.[1];
  if (!secret) throw new ClientError(401, 'Send the button secret as "Authorization: Bearer <secret>"', 'Unauthorized');

  const result = await pressButton(pressDependencies, { buttonId, clickType, source: 'http', secret });
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
