import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isAllowed, permissionsFor, type Statement } from './iam';

/** A request to the single endpoint, with what SigV4 says about who sent it and to which service. */
export interface AwsRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
  service: string;
  accessKeyId: string;
  caller: string;
  action: string;
}

export interface AwsResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface ServiceRoute {
  /** The operation name, for counters and faults. */
  action(request: Omit<AwsRequest, 'action'>): string;
  handle(request: AwsRequest): Promise<AwsResponse>;
}

/** An injected failure: the next `count` matching calls fail with this AWS error. */
export interface Fault {
  service: string;
  action?: string;
  caller?: string;
  /** Only requests whose body contains this text. */
  match?: string;
  count: number;
  status: number;
  code: string;
  message: string;
}

const CREDENTIAL = /Credential=([^/]+)\/[^/]+\/([^/]+)\/([^/]+)\/aws4_request/;

/**
 * One local URL for every AWS API. It routes by the service name in the SigV4 credential scope,
 * names the caller by its access key (each function has its own), counts calls per caller and
 * action, and can inject faults an emulator cannot produce.
 */
export class Endpoint {
  private readonly routes = new Map<string, ServiceRoute>();
  private readonly callers = new Map<string, string>();
  /** Each function's role, to authorize its calls as IAM would (functions only; people's CLIs are not checked). */
  private readonly roles = new Map<string, Statement[]>();
  private readonly denials: Array<{ caller: string; action: string; resource: string; at: string }> = [];
  private readonly calls: Record<string, Record<string, number>> = {};
  private faults: Fault[] = [];
  private readonly localApis = new Map<string, () => unknown>();
  private readonly localActions: Array<{ method: string; path: RegExp; act: (match: RegExpExecArray, body: Buffer) => AwsResponse }> = [];
  private server?: Server;

  constructor(
    readonly port: number,
    private readonly region = 'us-east-1',
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  route(service: string, route: ServiceRoute): void {
    this.routes.set(service, route);
  }

  /** Adds a read-only local API at GET /_local/<name> (modules describe what they run). */
  localApi(name: string, describe: () => unknown): void {
    this.localApis.set(`/_local/${name}`, describe);
  }

  /** Adds a local action (POST /_local/...), such as firing a schedule now. */
  localAction(method: string, path: RegExp, act: (match: RegExpExecArray, body: Buffer) => AwsResponse): void {
    this.localActions.push({ method, path, act });
  }

  /** Gives an access key a caller name (a function's name), so its calls are counted under it. */
  nameCaller(accessKeyId: string, caller: string, statements?: Statement[]): void {
    this.callers.set(accessKeyId, caller);
    if (statements) this.roles.set(caller, statements);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.dispatch(req, res).catch((error: Error) => send(res, awsError(500, 'InternalFailure', error.message)));
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(this.port, '127.0.0.1', resolve);
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    if (url.pathname.startsWith('/_local/')) return send(res, this.local(req.method ?? 'GET', url.pathname, body));

    const credential =
      CREDENTIAL.exec(String(req.headers.authorization ?? '')) ?? CREDENTIAL.exec(`Credential=${url.searchParams.get('X-Amz-Credential') ?? ''}`);
    if (!credential) return send(res, awsError(403, 'MissingAuthenticationToken', 'Sign requests with SigV4 (any local credentials work)'));
    const [, accessKeyId = '', , service = ''] = credential;
    const route = this.routes.get(service);
    if (!route) return send(res, awsError(400, 'UnknownService', `The local cloud has no ${service} service`));

    const partial = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      service,
      accessKeyId,
      caller: this.callers.get(accessKeyId) ?? `client:${accessKeyId}`,
    };
    const request = { ...partial, action: route.action(partial) };
    this.count(request);
    const denied = this.deniedPermission(request);
    if (denied) {
      this.denials.push({ caller: request.caller, ...denied, at: new Date().toISOString() });
      return send(
        res,
        awsError(403, 'AccessDeniedException', `User: ${request.caller} is not authorized to perform: ${denied.action} on resource: ${denied.resource}`),
      );
    }
    const fault = this.takeFault(request);
    if (fault) return send(res, awsError(fault.status, fault.code, fault.message));
    send(res, await route.handle(request));
  }

  /** The first permission the caller's role lacks, as IAM would refuse it; undefined when all are allowed. */
  private deniedPermission(request: AwsRequest) {
    const statements = this.roles.get(request.caller);
    if (!statements) return undefined;
    return permissionsFor(request, this.region)?.find((permission) => !isAllowed(statements, permission));
  }

  private count(request: AwsRequest): void {
    const perCaller = this.calls[request.caller] ?? {};
    this.calls[request.caller] = perCaller;
    const key = `${request.service}:${request.action}`;
    perCaller[key] = (perCaller[key] ?? 0) + 1;
  }

  private takeFault(request: AwsRequest): Fault | undefined {
    const fault = this.faults.find(
      (candidate) =>
        candidate.service === request.service &&
        (!candidate.action || candidate.action === request.action) &&
        (!candidate.caller || candidate.caller === request.caller) &&
        (!candidate.match || request.body.includes(candidate.match)),
    );
    if (!fault) return undefined;
    fault.count -= 1;
    if (fault.count <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    return fault;
  }

  /** The local cloud's own API: health, call counters, fault injection. */
  private local(method: string, path: string, body: Buffer): AwsResponse {
    const ok = (payload: unknown) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    if (path === '/_local/health') return ok({ ok: true });
    const describe = this.localApis.get(path);
    if (describe && method === 'GET') return ok(describe());
    for (const action of this.localActions) {
      const match = action.method === method ? action.path.exec(path) : null;
      if (match) return action.act(match, body);
    }
    if (path === '/_local/calls' && method === 'GET') return ok(this.calls);
    if (path === '/_local/denials' && method === 'GET') return ok(this.denials);
    if (path === '/_local/denials' && method === 'DELETE') return ok({ cleared: this.denials.splice(0).length });
    if (path === '/_local/calls' && method === 'DELETE') {
      for (const caller of Object.keys(this.calls)) delete this.calls[caller];
      return ok({ cleared: true });
    }
    if (path === '/_local/faults' && method === 'GET') return ok(this.faults);
    if (path === '/_local/faults' && method === 'DELETE') {
      this.faults = [];
      return ok({ cleared: true });
    }
    if (path === '/_local/faults' && method === 'POST') {
      const input = JSON.parse(body.toString() || '{}') as Partial<Fault>;
      if (!input.service) return { status: 400, body: 'a fault needs at least "service"' };
      const fault: Fault = {
        service: input.service,
        action: input.action,
        caller: input.caller,
        match: input.match,
        count: input.count ?? 1,
        status: input.status ?? 500,
        code: input.code ?? 'InternalFailure',
        message: input.message ?? 'Fault injected by the local cloud',
      };
      this.faults.push(fault);
      return ok(fault);
    }
    return { status: 404, body: `No local API at ${method} ${path}` };
  }
}

/** An AWS-shaped error: JSON and REST-JSON SDK clients read the code from x-amzn-ErrorType. */
export function awsError(status: number, code: string, message: string): AwsResponse {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': code },
    body: JSON.stringify({ __type: code, message, Message: message }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, response: AwsResponse): void {
  res.writeHead(response.status, response.headers);
  res.end(response.body);
}

/**
 * Forwards a request to an emulator that speaks the AWS protocol itself. The credential is replaced
 * by one local key: emulators may reject keys they dislike (DynamoDB Local takes letters and digits
 * only), and the endpoint has already read who the caller is.
 */
export function proxyTo(baseUrl: string): (request: AwsRequest) => Promise<AwsResponse> {
  return async (request) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      // Hop-by-hop headers stay here; Expect (S3 sends 100-continue) is answered by this server, not forwarded.
      if (value === undefined || ['host', 'connection', 'content-length', 'transfer-encoding', 'expect'].includes(name)) continue;
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const authorization = headers.get('authorization');
    if (authorization) headers.set('authorization', authorization.replace(/Credential=[^/]+\//, 'Credential=local/'));
    const query = request.query.toString();
    const response = await fetch(`${baseUrl}${request.path}${query ? `?${query}` : ''}`, {
      method: request.method,
      headers,
      body: ['GET', 'HEAD'].includes(request.method) ? undefined : request.body,
    });
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(name)) responseHeaders[name] = value;
    });
    return { status: response.status, headers: responseHeaders, body: Buffer.from(await response.arrayBuffer()) };
  };
}
