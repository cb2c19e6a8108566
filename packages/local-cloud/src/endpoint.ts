import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Fault } from './client';
import { AwsRefusal, type AwsResponse, awsError, type ErrorProtocol, type Operation, type SignedRequest } from './operations';
import type { AccessControl } from './services/iam/accessControl';
import { answerUnparsable } from './unparsable';

export type { Fault } from './client';
export { type AwsResponse, awsError } from './operations';
export { proxyTo } from './proxy';

/** A request as a service's handler gets it: signed, parsed into one operation, authorized. */
export interface AwsRequest extends SignedRequest {
  /** The operation's name (PutItem, GetObject...), for counters and faults. */
  action: string;
}

export interface ServiceRoute {
  /** The operations the route answers (its module's coverage); any other is refused before it reaches a handler. */
  operations: readonly string[];
  /** How the service's clients read errors. */
  protocol(request: SignedRequest): ErrorProtocol;
  /** The one operation a request asks for, strictly parsed, with the permissions it needs; throws AwsRefusal otherwise. */
  operation(request: SignedRequest): Operation;
  /** The service's access-denied error: DynamoDB answers 400 AccessDeniedException, S3 403 AccessDenied... */
  accessDenied?: { status: number; code: string };
  handle(request: AwsRequest): Promise<AwsResponse>;
}

/** A local action's answer to a request on its path (the path's match, the body, the query string). */
type LocalAction = (match: RegExpExecArray, body: Buffer, query: URLSearchParams) => AwsResponse | Promise<AwsResponse>;

const CREDENTIAL = /Credential=([^/]+)\/[^/]+\/([^/]+)\/([^/]+)\/aws4_request/;

/**
 * One local URL for every AWS API. It routes by the service name in the SigV4 credential scope,
 * parses each request into exactly one operation, authorizes it as IAM would for whoever signed it
 * (a function's role, a state machine's role, or the account's root user for any other key), counts
 * calls per caller and operation, and can inject faults an emulator cannot produce.
 */
export class Endpoint {
  private readonly routes = new Map<string, ServiceRoute>();
  /** X-Amz-Target prefixes of services whose users call some operations unsigned (Cognito's SignUp, InitiateAuth...). */
  private readonly unsigned = new Map<string, string>();
  private readonly calls: Record<string, Record<string, number>> = {};
  private faults: Fault[] = [];
  private readonly localApis = new Map<string, () => unknown>();
  private readonly localActions: Array<{ method: string; path: RegExp; act: LocalAction }> = [];
  private server?: Server;

  constructor(
    readonly port: number,
    private readonly iam: AccessControl,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  route(service: string, route: ServiceRoute): void {
    this.routes.set(service, route);
  }

  /** Routes requests without SigV4 whose X-Amz-Target has this prefix to the service; its parser decides which operations may be unsigned. */
  routeUnsigned(targetPrefix: string, service: string): void {
    this.unsigned.set(targetPrefix, service);
  }

  /** Adds a read-only local API at GET /_local/<name> (modules describe what they run). */
  localApi(name: string, describe: () => unknown): void {
    this.localApis.set(`/_local/${name}`, describe);
  }

  /** Adds a local action (POST /_local/...), such as firing a schedule now. */
  localAction(method: string, path: RegExp, act: LocalAction): void {
    this.localActions.push({ method, path, act });
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.dispatch(req, res).catch((error: Error) => send(res, awsError(500, 'InternalFailure', error.message)));
    });
    this.server.on('clientError', answerUnparsable);
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
    if (url.pathname.startsWith('/_local/')) return send(res, await this.local(req.method ?? 'GET', url.pathname, body, url.searchParams));

    const credential =
      CREDENTIAL.exec(String(req.headers.authorization ?? '')) ?? CREDENTIAL.exec(`Credential=${url.searchParams.get('X-Amz-Credential') ?? ''}`);
    const target = String(req.headers['x-amz-target'] ?? '');
    const unsignedService = credential ? undefined : this.unsigned.get(target.split('.')[0] ?? '');
    if (!credential && !unsignedService) {
      return send(res, awsError(403, 'MissingAuthenticationToken', 'Sign requests with SigV4 (any local credentials work)', protocolOf(req, url, body)));
    }
    const [, accessKeyId = '', , service = unsignedService ?? ''] = credential ?? [];
    const route = this.routes.get(service);
    if (!route) return send(res, awsError(400, 'UnknownService', `The local cloud has no ${service} service`, protocolOf(req, url, body)));

    const { name: caller, principal } = this.iam.caller(accessKeyId);
    const signed: SignedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      service,
      accessKeyId,
      caller,
    };
    const protocol = route.protocol(signed);
    let operation: Operation;
    try {
      operation = route.operation(signed);
    } catch (error) {
      if (error instanceof AwsRefusal) return send(res, awsError(error.status, error.code, error.message, protocol));
      // A path whose percent-encoding is broken (`%E0%A4%A`): the caller's mistake, never a 500.
      if (error instanceof URIError) return send(res, awsError(400, 'InvalidURI', "Couldn't parse the specified URI.", protocol));
      throw error;
    }
    if (!route.operations.includes(operation.name)) return send(res, unknownOperation(service, operation.name, protocol));
    const request: AwsRequest = {
      ...signed,
      action: operation.name,
      headers: { ...signed.headers, ...(operation.forward?.headers ?? {}) },
      body: operation.forward?.body ?? body,
    };
    this.count(request);
    const denied = operation.unauthenticated ? undefined : this.iam.check(caller, principal, operation.permissions);
    if (denied) {
      const { status, code } = route.accessDenied ?? { status: 403, code: 'AccessDeniedException' };
      return send(res, awsError(status, code, denied.message, protocol));
    }
    const fault = this.takeFault(request);
    if (fault) return send(res, awsError(fault.status, fault.code, fault.message, protocol));
    try {
      send(res, await route.handle(request));
    } catch (error) {
      // A handler may refuse too (a stack that does not exist): in the service's protocol, like the parser's refusals.
      if (error instanceof AwsRefusal) return send(res, awsError(error.status, error.code, error.message, protocol));
      if (error instanceof URIError) return send(res, awsError(400, 'InvalidURI', "Couldn't parse the specified URI.", protocol));
      throw error;
    }
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
        (!candidate.match || request.body.includes(candidate.match) || request.path.includes(candidate.match)),
    );
    if (!fault) return undefined;
    fault.count -= 1;
    if (fault.count <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    return fault;
  }

  /** The local cloud's own API: health, call counters, fault injection. */
  private async local(method: string, path: string, body: Buffer, query: URLSearchParams): Promise<AwsResponse> {
    const ok = (payload: unknown) => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    if (path === '/_local/health') return ok({ ok: true });
    const describe = this.localApis.get(path);
    if (describe && method === 'GET') return ok(describe());
    for (const action of this.localActions) {
      const match = action.method === method ? action.path.exec(path) : null;
      if (match) return action.act(match, body, query);
    }
    if (path === '/_local/calls' && method === 'GET') return ok(this.calls);
    if (path === '/_local/denials' && method === 'GET') return ok(this.iam.denials);
    if (path === '/_local/denials' && method === 'DELETE') {
      // ?caller=...&action=...: only the denials a test provoked on purpose, not its neighbours'.
      const keep = (denial: { caller: string; action: string }) =>
        (query.has('caller') && denial.caller !== query.get('caller')) || (query.has('action') && denial.action !== query.get('action'));
      const kept = this.iam.denials.filter(keep);
      const cleared = this.iam.denials.length - kept.length;
      this.iam.denials.splice(0, this.iam.denials.length, ...kept);
      return ok({ cleared });
    }
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

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** An answer with its Content-Length (clients such as the AWS CLI's S3 downloads need it); a HEAD keeps the one it was given. */
function send(res: ServerResponse, response: AwsResponse): void {
  const headers = { ...response.headers };
  const length = response.body === undefined ? 0 : Buffer.byteLength(response.body);
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-length')) headers['content-length'] = String(length);
  res.writeHead(response.status, headers);
  res.end(res.req.method === 'HEAD' ? undefined : response.body);
}

/**
 * The protocol a request speaks when no module can say (an unknown service, no credential): the
 * query protocol by its Action, JSON otherwise, so that the client can read the refusal.
 */
function protocolOf(req: IncomingMessage, url: URL, body: Buffer): ErrorProtocol {
  if (req.headers['x-amz-target'] || String(req.headers['content-type'] ?? '').includes('json')) return 'json';
  const form = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(body.toString()) : undefined;
  return url.searchParams.has('Action') || form?.has('Action') ? 'query' : 'json';
}

/**
 * An operation of a real service that the local cloud does not emulate, refused as AWS refuses an
 * operation it does not know, in the service's protocol (S3 says NotImplemented).
 */
function unknownOperation(service: string, operation: string, protocol: ErrorProtocol): AwsResponse {
  const message = `The local cloud does not emulate ${service} ${operation} (see "What the local cloud covers" in the README)`;
  if (protocol === 's3') return awsError(501, 'NotImplemented', message, protocol);
  return awsError(400, protocol === 'query' ? 'InvalidAction' : 'UnknownOperationException', message, protocol);
}
