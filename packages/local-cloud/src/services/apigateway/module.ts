import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type CloudContext, functionFromTarget, type LocalModule } from '../../context';
import { decodeSegment, LIMITS } from '../../limits';
import { answerUnparsable } from '../../unparsable';
import { ACCOUNT_ID } from '../cloudformation/intrinsics';
import { resourcesOfType } from '../cloudformation/template';
import { serviceMayInvoke } from '../lambda/module';
import type { LocalFunction } from '../lambda/runtime';
import { httpApiEvent } from './httpApiEvent';

interface Route {
  routeKey: string;
  method: string;
  pattern: RegExp | undefined;
  params: string[];
  fn: LocalFunction;
}

/**
 * API Gateway HTTP APIs (payload format 2.0): each API of the templates on its own local port. A
 * route invokes its function only if the function's permissions let API Gateway invoke it for that
 * route (else a 500, as API Gateway answers).
 */
export function httpApiModule(): LocalModule {
  const servers: Server[] = [];
  const ports = new Map<string, number>();
  let nextPort = 0;
  return {
    name: 'http-api',
    coverage: {
      service: 'Amazon API Gateway (HTTP APIs)',
      by: 'the local cloud (a port per API)',
      eventSources: ['routes to Lambda proxy integrations (payload format 2.0, path parameters, greedy paths, $default)'],
      notEmulated: ['authorizers (a route with one is refused)', 'REST and WebSocket APIs, custom domains, throttling, CORS configuration'],
    },
    needs: ['lambda'],
    async start(context) {
      nextPort = context.ports.httpApis;
    },
    creates: {
      // Its URL first: functions may take it from the template (Fn::GetAtt ApiEndpoint).
      'AWS::ApiGatewayV2::Api': async ({ template, resolver, logicalId }, context) => {
        const port = nextPort++;
        const url = `http://127.0.0.1:${port}`;
        ports.set(`${template.service}/${logicalId}`, port);
        context.urls[`${template.service}.httpApi`] = url;
        resolver.register(logicalId, { ref: logicalId, attributes: { ApiEndpoint: url, ApiId: logicalId } });
      },
      // The local API serves its $default stage, deployed as routes are created.
      'AWS::ApiGatewayV2::Stage': async () => undefined,
      'AWS::ApiGatewayV2::Integration': async ({ template, properties }, context) => {
        functionFromTarget(context, template, properties.IntegrationUri);
      },
      'AWS::ApiGatewayV2::Route': async () => undefined,
    },
    async started(context) {
      for (const template of context.templates) {
        for (const [apiId] of resourcesOfType(template, 'AWS::ApiGatewayV2::Api')) {
          const routes = routesOf(context, template, apiId);
          const port = ports.get(`${template.service}/${apiId}`) ?? 0;
          const url = `http://127.0.0.1:${port}`;
          const sourceArn = (method: string, path: string) => `arn:aws:execute-api:${context.region}:${ACCOUNT_ID}:${apiId}/$default/${method}${path}`;
          const server = createServer((req, res) => {
            handle(context, apiId, routes, sourceArn, req, res).catch((error: Error) => {
              context.log(`[http-api ${template.service}] ${error.stack ?? error.message}`);
              reply(res, 500, { message: 'Internal Server Error' });
            });
          });
          server.on('clientError', answerUnparsable);
          await new Promise<void>((resolve, reject) => {
            server.once('error', reject);
            server.listen(port, '127.0.0.1', resolve);
          });
          servers.push(server);
          context.log(`http api ${template.service}: ${url} (${routes.map((route) => route.routeKey).join(', ')})`);
        }
      }
    },
    async stop() {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}

function routesOf(context: CloudContext, template: CloudContext['templates'][number], apiId: string): Route[] {
  const integrations = new Map(resourcesOfType(template, 'AWS::ApiGatewayV2::Integration').map(([id, resource]) => [id, resource.Properties]));
  return resourcesOfType(template, 'AWS::ApiGatewayV2::Route')
    .filter(([, route]) => (route.Properties.ApiId as { Ref?: string } | undefined)?.Ref === apiId)
    .map(([, route]) => {
      const routeKey = String(route.Properties.RouteKey);
      const target = JSON.stringify(route.Properties.Target ?? '');
      const integrationId = [...integrations.keys()].find((id) => target.includes(`"${id}"`));
      const integration = integrationId ? integrations.get(integrationId) : undefined;
      if (!integration) throw new Error(`${template.service}: route ${routeKey} has no integration the local cloud understands`);
      // An authorizer the local cloud ignored would leave the route open: refused instead.
      const authorization = String(route.Properties.AuthorizationType ?? 'NONE');
      if (authorization !== 'NONE') throw new Error(`${template.service}: route ${routeKey}: the local cloud does not run ${authorization} authorizers`);
      const [method = 'ANY', path = '/'] = routeKey === '$default' ? ['ANY', undefined] : routeKey.split(' ');
      const params: string[] = [];
      const pattern =
        routeKey === '$default'
          ? undefined
          : new RegExp(
              `^${path
                .split('/')
                .map((segment) => {
                  const param = /^\{([^}+]+)(\+?)\}$/.exec(segment);
                  if (!param) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
                  params.push(param[1] ?? '');
                  return param[2] ? '(.+)' : '([^/]+)';
                })
                .join('/')}$`,
            );
      return { routeKey, method, pattern, params, fn: functionFromTarget(context, template, integration.IntegrationUri) };
    });
}

/** API Gateway picks the most specific route: exact method before ANY, then $default. */
function match(routes: Route[], method: string, path: string): { route: Route; pathParameters?: Record<string, string> } | 'bad path' | undefined {
  const candidates = [...routes.filter((route) => route.method === method), ...routes.filter((route) => route.method === 'ANY' && route.pattern)];
  for (const route of candidates) {
    const found = route.pattern?.exec(path);
    if (found) {
      const values = route.params.map((_, index) => decodeSegment(found[index + 1] ?? ''));
      if (values.some((value) => value === undefined)) return 'bad path';
      const pathParameters = Object.fromEntries(route.params.map((name, index) => [name, values[index] ?? '']));
      return { route, pathParameters: route.params.length ? pathParameters : undefined };
    }
  }
  const fallback = routes.find((route) => route.routeKey === '$default');
  return fallback ? { route: fallback } : undefined;
}

async function handle(
  context: CloudContext,
  apiId: string,
  routes: Route[],
  sourceArn: (method: string, path: string) => string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  const found = match(routes, method, url.pathname);
  if (!found) return reply(res, 404, { message: 'Not Found' });
  if (found === 'bad path') return reply(res, 400, { message: 'Bad Request' });
  // API Gateway's payload quota: refused before it is read when the length says so, else once it is passed.
  const tooLarge = () => reply(res, 413, { message: 'Request Entity Too Large' });
  if (Number(req.headers['content-length'] ?? 0) > LIMITS.httpApiPayload) return tooLarge();
  if (!serviceMayInvoke(context, 'apigateway.amazonaws.com', found.route.fn, { arn: sourceArn(method, url.pathname) })) {
    return reply(res, 500, { message: 'Internal Server Error' });
  }

  const raw = await readAtMost(req, LIMITS.httpApiPayload);
  if (!raw) return tooLarge();
  const headers = Object.fromEntries(
    Object.entries(req.headers).flatMap(([name, value]) =>
      name === 'cookie' || value === undefined ? [] : [[name, Array.isArray(value) ? value.join(',') : value]],
    ),
  );
  const event = httpApiEvent({
    method,
    url: req.url ?? '/',
    routeKey: found.route.routeKey,
    pathParameters: found.pathParameters,
    headers,
    cookies: req.headers.cookie?.split(/;\s*/),
    body: raw,
    apiId,
    protocol: `HTTP/${req.httpVersion}`,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
  });

  // The event is a synchronous invoke's request: past Lambda's 6 MB (a body near 10 MB, base64) the invoke is refused.
  // Measured only for a body that could get there (base64 adds a third, headers are at most 16 KB), not on every request.
  if (raw.length > LIMITS.lambdaSyncPayload / 2 && Buffer.byteLength(JSON.stringify(event)) > LIMITS.lambdaSyncPayload) return tooLarge();
  const result = await found.route.fn.invoke(event);
  if (!result.ok) return reply(res, 500, { message: 'Internal Server Error' });
  respond(res, result.result);
}

/** The body, or undefined once it passes `limit` bytes (the rest is read and dropped, so memory stays bounded and the answer arrives). */
async function readAtMost(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? undefined : Buffer.concat(chunks);
}

/** Payload 2.0 responses: a { statusCode } object is taken as is; anything else is a 200 JSON body. */
function respond(res: ServerResponse, result: unknown): void {
  if (result && typeof result === 'object' && 'statusCode' in result) {
    const r = result as { statusCode: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean; cookies?: string[] };
    res.writeHead(r.statusCode, { ...(r.headers ?? {}), ...(r.cookies ? { 'set-cookie': r.cookies } : {}) });
    res.end(r.body === undefined ? undefined : r.isBase64Encoded ? Buffer.from(r.body, 'base64') : r.body);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(typeof result === 'string' ? result : JSON.stringify(result));
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
