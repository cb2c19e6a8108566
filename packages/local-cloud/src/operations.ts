import type { IncomingMessage } from 'node:http';
import type { RequestContext } from './services/iam/conditions';

/** A request to the single endpoint, with what SigV4 says about who sent it and to which service. */
export interface SignedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
  service: string;
  accessKeyId: string;
  caller: string;
}

/** What IAM must allow for a request: an action on a resource, with the request's own condition keys. */
export interface Permission {
  action: string;
  resource: string;
  /** Other resources any one of which AWS may authorize instead (an email address or its domain). */
  alternatives?: string[];
  context?: RequestContext;
}

/**
 * One operation, parsed strictly from the request: exactly one known operation, the permissions it
 * needs, and, where the protocol lets a body say more than was parsed, the body as parsed, so the
 * emulator performs exactly what was authorized.
 */
export interface Operation {
  name: string;
  permissions: Permission[];
  /** Operations AWS does not authorize with IAM (Cognito's InitiateAuth, SignUp...: the token or nothing decides). */
  unauthenticated?: boolean;
  /** The request to forward instead of the one received (normalized target header, re-serialized body). */
  forward?: { headers?: Record<string, string>; body?: Buffer };
}

export interface AwsResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** How a service's clients read errors: JSON with x-amzn-ErrorType, S3's XML, or the query protocol's XML. */
export type ErrorProtocol = 'json' | 's3' | 'query';

/** A request the service refuses before doing anything: unknown operation, malformed input, access denied. */
export class AwsRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);

/** An AWS-shaped error in the protocol the service's clients parse. */
export function awsError(status: number, code: string, message: string, protocol: ErrorProtocol = 'json'): AwsResponse {
  const requestId = crypto.randomUUID();
  if (protocol === 's3') {
    return {
      status,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId}</RequestId></Error>`,
    };
  }
  if (protocol === 'query') {
    return {
      status,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body: `<ErrorResponse><Error><Type>${status < 500 ? 'Sender' : 'Receiver'}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': code, 'x-amzn-requestid': requestId },
    body: JSON.stringify({ __type: code, message, Message: message }),
  };
}

/**
 * The operation of an AWS JSON-protocol request: X-Amz-Target must be exactly `<prefix>.<Operation>`
 * (one dot, letters only), and the body one JSON object. Anything else is refused, never guessed at.
 */
export function jsonOperation(request: SignedRequest, prefixes: readonly string[]): { prefix: string; name: string; input: Record<string, unknown> } {
  const target = request.headers['x-amz-target'];
  const match = typeof target === 'string' ? /^([A-Za-z0-9_]+)\.([A-Za-z]+)$/.exec(target) : null;
  if (!match || !prefixes.includes(match[1] ?? '')) {
    throw new AwsRefusal(
      400,
      'UnknownOperationException',
      `Unknown operation: X-Amz-Target ${JSON.stringify(target ?? null)} is not <${prefixes.join('|')}>.<Operation>`,
    );
  }
  let input: unknown;
  try {
    input = request.body.length ? JSON.parse(request.body.toString('utf8')) : {};
  } catch {
    throw new AwsRefusal(400, 'SerializationException', 'The request body is not valid JSON');
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new AwsRefusal(400, 'SerializationException', 'The request body must be a JSON object');
  return { prefix: match[1] ?? '', name: match[2] ?? '', input: input as Record<string, unknown> };
}

/** The request as parsed: the target as named, the body as read (a duplicate key is gone, and so is what it could hide). */
export function forwardJson(prefix: string, name: string, input: Record<string, unknown>): Operation['forward'] {
  return { headers: { 'x-amz-target': `${prefix}.${name}` }, body: Buffer.from(JSON.stringify(input)) };
}

/**
 * The parameters of a query-protocol request (form body, or the URL's query): every parameter once.
 * `Action=Publish&Action=DeleteTopic` is refused: a service might act on the other one.
 */
export function queryParameters(request: SignedRequest): URLSearchParams {
  const form = new URLSearchParams(request.body.toString('utf8'));
  const all = new URLSearchParams([...request.query, ...form]);
  const seen = new Set<string>();
  for (const [name] of all) {
    if (name.startsWith('X-Amz-')) continue;
    if (seen.has(name)) throw new AwsRefusal(400, 'InvalidParameterValue', `The parameter ${name} is given more than once`);
    seen.add(name);
  }
  return all;
}
