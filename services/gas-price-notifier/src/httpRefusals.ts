import { ClientError } from '@zero-idle/core';
import { InvalidField } from './domain/choice';
import { AddressRefused, SubscriptionsFull } from './domain/ports';
import { SubscriptionEnded, TooSoon, UnknownToken } from './domain/subscriptions';

/** The domain's refusals as the HTTP answers they are; anything else stays an error (a 500). */
export function asClientError(error: unknown): ClientError | undefined {
  if (error instanceof InvalidField) return new ClientError(400, error.message, `Invalid.${error.field}`);
  if (error instanceof AddressRefused) return new ClientError(400, `email: SNS refused the address: ${error.message}`, 'Invalid.email');
  if (error instanceof SubscriptionsFull)
    return new ClientError(503, 'The alerts have as many subscribers as they can take for now; please try again later', 'SubscriptionsFull');
  if (error instanceof TooSoon) return new ClientError(429, error.message, 'TooSoon');
  if (error instanceof UnknownToken) return new ClientError(404, error.message, 'NotFound');
  if (error instanceof SubscriptionEnded) return new ClientError(409, error.message, 'SubscriptionEnded');
  return undefined;
}
