import middy, { type MiddlewareObj, type Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { ClientError, EventValidationError } from './errors';
import { logLine } from './log';
import { parse, type Schema } from './validation';

/** What a handler gets besides its event: the Lambda context and a way to add fields to its log line. */
export interface Invocation {
  context: Context;
  log(fields: Record<string, unknown>): void;
}

interface Internal {
  startedAt: number;
  coldStart: boolean;
}

let coldStart = true;
// The handler adds log fields through its context; the log middleware reads them back.
const fieldsOf = new WeakMap<Context, Record<string, unknown>>();

function state(request: Request): Internal {
  return request.internal as unknown as Internal;
}

/** One JSON line per invocation: function, request id, cold start, duration, outcome, the handler's fields. */
function oneLogLine(): MiddlewareObj {
  const write = (request: Request, outcome: string, extra: Record<string, unknown>) => {
    const { startedAt, coldStart: cold } = state(request);
    const fields = fieldsOf.get(request.context);
    logLine({
      level: outcome === 'error' ? 'ERROR' : outcome === 'rejected' ? 'WARN' : 'INFO',
      function: request.context.functionName,
      requestId: request.context.awsRequestId,
      coldStart: cold,
      durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
      outcome,
      ...fields,
      ...extra,
    });
  };
  return {
    before: (request) => {
      fieldsOf.set(request.context, {});
      Object.assign(request.internal, { startedAt: performance.now(), coldStart } satisfies Internal);
      coldStart = false;
    },
    after: (request) => {
      const statusCode = (request.response as { statusCode?: number } | undefined)?.statusCode;
      write(request, statusCode !== undefined && statusCode >= 400 ? 'rejected' : 'ok', statusCode ? { statusCode } : {});
    },
    onError: (request) => {
      const statusCode = (request.response as { statusCode?: number } | undefined)?.statusCode;
      // The caller's mistake (answered, or a ClientError the invoker reports) is not a failure of ours.
      if (request.response !== undefined || request.error instanceof ClientError) write(request, 'rejected', { statusCode, error: request.error });
      else write(request, 'error', { error: request.error, stack: request.error?.stack });
    },
  };
}

function validateEvent(schema: Schema): MiddlewareObj {
  return {
    before: (request) => {
      const result = parse(schema, request.event);
      if (!result.ok) throw new EventValidationError(result.problems);
      request.event = result.value;
    },
  };
}

/** For HTTP APIs: a ClientError becomes its status and a JSON body; anything else still fails the invocation. */
function httpErrorResponse(): MiddlewareObj {
  return {
    onError: (request) => {
      const error = request.error;
      if (!(error instanceof ClientError)) return;
      // Setting response without returning lets the log middleware still see the handled error.
      request.response = {
        statusCode: error.statusCode,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ error: error.code, message: error.message }),
      };
    },
  };
}

export interface HandlerOptions<S extends Schema> {
  /** Schema of the event; the handler receives the parsed value. */
  event: S;
  /** Answer ClientErrors as HTTP responses (API Gateway payload v2). */
  http?: boolean;
}

/**
 * Builds a Lambda handler: validate the event with zod, run, log one line. Errors are never swallowed:
 * only ClientErrors of an HTTP handler become responses, everything else fails the invocation.
 */
export function createHandler<S extends Schema, R>(options: HandlerOptions<S>, run: (event: z.infer<S>, invocation: Invocation) => Promise<R>) {
  const handler = middy<z.infer<S>, R, Error, Context>().use(oneLogLine());
  if (options.http) handler.use(httpErrorResponse());
  return handler
    .use(validateEvent(options.event))
    .handler((event, context) => run(event, { context, log: (fields) => Object.assign(fieldsOf.get(context) ?? {}, fields) }));
}
