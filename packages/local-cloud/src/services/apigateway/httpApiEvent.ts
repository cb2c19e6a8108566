import { randomUUID } from 'node:crypto';

export interface HttpApiRequest {
  method: string;
  /** The path, with its query string if any: `/buttons/b1/press?x=1`. */
  url: string;
  routeKey: string;
  pathParameters?: Record<string, string>;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: Buffer | string;
  apiId?: string;
  protocol?: string;
  sourceIp?: string;
}

/** The event an HTTP API (payload format 2.0) sends a Lambda integration for one request. */
export function httpApiEvent(request: HttpApiRequest) {
  const url = new URL(request.url, 'http://localhost');
  const headers = request.headers ?? {};
  const raw = typeof request.body === 'string' ? Buffer.from(request.body) : (request.body ?? Buffer.alloc(0));
  const textual = /json|text|xml|form-urlencoded|javascript/.test(String(headers['content-type'] ?? 'text/plain'));
  const query: Record<string, string> = {};
  url.searchParams.forEach((value, key) => {
    query[key] = query[key] === undefined ? value : `${query[key]},${value}`;
  });
  const host = headers.host ?? 'localhost';
  const now = new Date();
  return {
    version: '2.0',
    routeKey: request.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: request.cookies,
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: request.pathParameters,
    requestContext: {
      accountId: '000000000000',
      apiId: request.apiId ?? 'local',
      domainName: host,
      domainPrefix: host.split('.')[0],
      http: {
        method: request.method,
        path: url.pathname,
        protocol: request.protocol ?? 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: request.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: raw.length ? (textual ? raw.toString('utf8') : raw.toString('base64')) : undefined,
    isBase64Encoded: raw.length > 0 && !textual,
  };
}
