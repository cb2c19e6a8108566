/** An error the caller caused; HTTP handlers answer it with its status, other handlers fail with it. */
export class ClientError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly code: string = 'BadRequest',
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

/** The incoming event did not match the handler's schema. */
export class EventValidationError extends ClientError {
  constructor(readonly issues: string) {
    super(400, `Invalid event: ${issues}`, 'InvalidEvent');
    this.name = 'EventValidationError';
  }
}
