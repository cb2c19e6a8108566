// Forwarding a request the endpoint has checked to the emulator that answers it, over node:http with
// connections kept alive: fetch (undici) cost ~0.5-1 ms more per call (its streams, headers objects
// and per-request abort signal), on every call of every test and bench (`npm run bench`'s latency).
import { Agent, request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import type { AwsRequest } from './endpoint';
import { AwsRefusal, type AwsResponse } from './operations';

/** How long an emulator may take to answer one request: beyond SQS's longest poll (20 s), short of never. */
const EMULATOR_TIMEOUT_MS = 60_000;

/** Hop-by-hop headers stay here; Expect (S3 sends 100-continue) is answered by this server, not forwarded. */
const NOT_FORWARDED = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'expect', 'keep-alive']);

/**
 * Forwards a request to an emulator that speaks the AWS protocol itself. The credential is replaced
 * by one local key: emulators may reject keys they dislike (DynamoDB Local takes letters and digits
 * only), and the endpoint has already read who the caller is. Bodies pass through as bytes, encoded
 * or not, with their headers.
 */
export function proxyTo(baseUrl: string, timeoutMs = EMULATOR_TIMEOUT_MS): (request: AwsRequest) => Promise<AwsResponse> {
  const target = new URL(baseUrl);
  // One pool of kept-alive connections per emulator; Node closes a free one when the server's Keep-Alive hint says so.
  const agent = new Agent({ keepAlive: true });
  return async (request) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined || NOT_FORWARDED.has(name)) continue;
      headers[name] = name === 'authorization' && typeof value === 'string' ? value.replace(/Credential=[^/]+\//, 'Credential=local/') : value;
    }
    const query = request.query.toString();
    const body = ['GET', 'HEAD'].includes(request.method) ? undefined : request.body;
    if (body) headers['content-length'] = String(body.length);
    // Plain answers, which modules may read and rewrite (an object stored encoded still comes as stored).
    headers['accept-encoding'] = 'identity';
    const options: RequestOptions = {
      host: target.hostname,
      port: target.port,
      agent,
      method: request.method,
      path: `${request.path}${query ? `?${query}` : ''}`,
      headers,
    };
    try {
      return await send(options, body, timeoutMs);
    } catch (error) {
      if (error instanceof StaleConnection) return send(options, body, timeoutMs).catch((again: Error) => unavailable(request, again, timeoutMs));
      return unavailable(request, error as Error, timeoutMs);
    }
  };
}

/** A kept-alive connection the emulator had closed as the request went out: sent again once, on a new one (Node's advice). */
class StaleConnection extends Error {}

class TimedOut extends Error {}

function send(options: RequestOptions, body: Buffer | undefined, timeoutMs: number): Promise<AwsResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(options, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      incoming.on('end', () => {
        clearTimeout(timer);
        resolve({ status: incoming.statusCode ?? 502, headers: answerHeaders(incoming.headers, options.method === 'HEAD'), body: Buffer.concat(chunks) });
      });
    });
    // No request may hang.
    const timer = setTimeout(() => outgoing.destroy(new TimedOut()), timeoutMs);
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(outgoing.reusedSocket && error.code === 'ECONNRESET' ? new StaleConnection(error.message) : error);
    });
    outgoing.end(body);
  });
}

/** The emulator's headers as the endpoint sends them on: its own length, except a HEAD's (the object's). */
function answerHeaders(headers: IncomingHttpHeaders, head: boolean): Record<string, string> {
  const answer: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || ['transfer-encoding', 'connection', 'keep-alive'].includes(name) || (name === 'content-length' && !head)) continue;
    answer[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return answer;
}

/** An emulator that is gone, or did not answer in time, is a service that is unavailable (SDKs retry a 503). */
function unavailable(request: AwsRequest, error: Error, timeoutMs: number): never {
  const why = error instanceof TimedOut ? `did not answer within ${timeoutMs / 1000} s` : `is unavailable (${error.message})`;
  throw new AwsRefusal(503, 'ServiceUnavailable', `The local ${request.service} ${why}`);
}
