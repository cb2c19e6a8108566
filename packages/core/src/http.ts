import type * as z from 'zod/mini';
import { ClientError, EventValidationError } from './errors';
import { parse, type Schema } from './validation';

/** The parts of an API Gateway HTTP API event (payload 2.0) that carry a request body. */
export interface HttpRequest {
  body?: string;
  isBase64Encoded?: boolean;
  headers?: Record<string, string | undefined>;
}

export function json(statusCode: number, payload: unknown, headers: Record<string, string> = {}) {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) };
}

export function html(statusCode: number, markup: string) {
  return { statusCode, headers: { 'content-type': 'text/html; charset=utf-8' }, body: markup };
}

/** True when the caller is a browser (a form post), which should get a page rather than JSON. */
export function wantsHtml(request: HttpRequest): boolean {
  return /text\/html/.test(request.headers?.accept ?? '') || /x-www-form-urlencoded/.test(request.headers?.['content-type'] ?? '');
}

/** A form's fields; a field sent more than once (checkboxes of one name) as the list of its values. */
function formFields(form: URLSearchParams): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const name of new Set(form.keys())) {
    const values = form.getAll(name);
    fields[name] = values.length > 1 ? values : (values[0] ?? '');
  }
  return fields;
}

/** The body as a value: JSON, or form fields for an HTML form post; base64 is decoded as API Gateway flags it. */
export function readBody(request: HttpRequest): unknown {
  if (!request.body) return {};
  const text = request.isBase64Encoded ? Buffer.from(request.body, 'base64').toString('utf8') : request.body;
  if (/x-www-form-urlencoded/.test(request.headers?.['content-type'] ?? '')) return formFields(new URLSearchParams(text));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ClientError(400, 'Invalid request: the body must be JSON', 'InvalidBody');
  }
}

/** Reads and validates the body; a problem becomes a 400 that says what is wrong. */
export function parseBody<S extends Schema>(schema: S, request: HttpRequest): z.infer<S> {
  const result = parse(schema, readBody(request));
  if (!result.ok) throw new EventValidationError(result.problems);
  return result.value;
}
