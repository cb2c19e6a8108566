import { ClientError } from '@zero-idle/core';
import { Conflict, DomainError, Forbidden, NotFound, Validation } from '../domain/errors';

/** Each domain error's AppSync errorType: what clients branch on. */
const ERROR_TYPES = new Map<unknown, string>([
  [NotFound, 'NotFound'],
  [Conflict, 'Conflict'],
  [Forbidden, 'Unauthorized'],
  [Validation, 'ValidationError'],
]);

/** An error as AppSync shows it to the client: a direct Lambda resolver's error name is its errorType. */
class FieldError extends ClientError {
  constructor(errorType: string, message: string) {
    super(400, message, errorType);
    this.name = errorType;
  }
}

/**
 * The one place an error becomes what the client reads: a domain error its errorType and message;
 * anything else is ours, not the client's, so the details go to the log line only (DynamoDB's messages
 * name keys and limits) and the client reads InternalFailure and the request id.
 */
export function errorForClient(error: unknown, requestId: string, log: (fields: Record<string, unknown>) => void): Error {
  if (error instanceof DomainError) return new FieldError(ERROR_TYPES.get(error.constructor) ?? 'BadRequest', error.message);
  const { name, message, stack } = error as Error;
  log({ error: `${name}: ${message}`, stack });
  return new InternalFailure(`Internal error (request ${requestId})`);
}

class InternalFailure extends Error {
  override name = 'InternalFailure';
}
