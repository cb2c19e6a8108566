import { ClientError } from '@zero-idle/core';

/**
 * What a request asked that cannot be done, thrown by the use cases and the store alike; the GraphQL
 * layer gives each kind its errorType (graphql/errors.ts). A ClientError: logged as rejected, not failed.
 */
export abstract class DomainError extends ClientError {
  constructor(statusCode: number, message: string, kind: string) {
    super(statusCode, message, kind);
    this.name = kind;
  }
}

export class NotFound extends DomainError {
  constructor(message: string) {
    super(404, message, 'NotFound');
  }
}

/** The records' state forbids it now (taken, closed, already done). */
export class Conflict extends DomainError {
  constructor(message: string) {
    super(409, message, 'Conflict');
  }
}

/** This caller may not do it (or has no active account to do it with). */
export class Forbidden extends DomainError {
  constructor(message: string) {
    super(403, message, 'Forbidden');
  }
}

/** The arguments are not ones this API takes. */
export class Validation extends DomainError {
  constructor(message: string) {
    super(400, message, 'Validation');
  }
}
