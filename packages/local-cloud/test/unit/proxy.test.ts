// Forwarding to an emulator: no request may hang, and an emulator that is gone is a service that is
// unavailable (503, which the endpoint then words in the service's protocol, and SDKs retry).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AwsRequest, proxyTo } from '../../src/endpoint';

const request: AwsRequest = {
  method: 'POST',
  path: '/',
  query: new URLSearchParams(),
  headers: { 'content-type': 'application/x-amz-json-1.0' },
  body: Buffer.from('{}'),
  service: 'dynamodb',
  accessKeyId: 'test',
  caller: 'client:test',
  action: 'ListTables',
};

let silent: Server;
let port = 0;

beforeAll(async () => {
  // An emulator that takes requests and never answers them.
  silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  port = (silent.address() as AddressInfo).port;
});

afterAll(async () => {
  silent.closeAllConnections();
  await new Promise((resolve) => silent.close(resolve));
});

describe('proxyTo', () => {
  it('gives up on an emulator that does not answer, with 503 ServiceUnavailable', async () => {
    const started = Date.now();
    await expect(proxyTo(`http://127.0.0.1:${port}`, 200)(request)).rejects.toMatchObject({
      status: 503,
      code: 'ServiceUnavailable',
      message: 'The local dynamodb did not answer within 0.2 s',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('answers 503 ServiceUnavailable for an emulator that is gone', async () => {
    await expect(proxyTo('http://127.0.0.1:9')(request)).rejects.toMatchObject({ status: 503, code: 'ServiceUnavailable' });
  });

  it('passes an encoded body through as the emulator sent it (an S3 object stored with Content-Encoding: gzip)', async () => {
    const stored = gzipSync('hello, world');
    let seen: IncomingHttpHeaders = {};
    await withEmulator(
      (req, res) => {
        seen = req.headers;
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' });
        res.end(stored);
      },
      async (url) => {
        const answer = await proxyTo(url)({ ...request, method: 'GET', headers: { 'accept-encoding': 'gzip, br', authorization: AUTHORIZATION } });
        expect(answer.headers).toMatchObject({ 'content-encoding': 'gzip' });
        expect(gunzipSync(answer.body as Buffer).toString()).toBe('hello, world');
      },
    );
    // Asked for plain answers (modules read and rewrite them); the caller's credential is replaced by the local one.
    expect(seen['accept-encoding']).toBe('identity');
    expect(seen.authorization).toBe(AUTHORIZATION.replace('AKIDEXAMPLE', 'local'));
  });

  it('sends a request again on a new connection when the emulator closed the kept-alive one as it went out', async () => {
    let received = 0;
    await withEmulator(
      (req, res) => {
        received += 1;
        // The second request meets a connection the emulator is closing (its keep-alive timeout): no answer on it.
        if (received === 2) return req.socket.destroy();
        res.end(JSON.stringify({ received }));
      },
      async (url) => {
        const forward = proxyTo(url);
        expect((await forward(request)).status).toBe(200);
        expect(JSON.parse(String((await forward(request)).body))).toEqual({ received: 3 });
      },
    );
  });

  it('does not send it a third time: a second failure is the emulator unavailable', async () => {
    await withEmulator(
      (req, res) => (req.headers['x-first'] ? res.end('{}') : req.socket.destroy()),
      async (url) => {
        const forward = proxyTo(url);
        await forward({ ...request, headers: { ...request.headers, 'x-first': '1' } });
        await expect(forward(request)).rejects.toMatchObject({ status: 503, code: 'ServiceUnavailable' });
      },
    );
  });
});

const AUTHORIZATION = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=x';

async function withEmulator(answer: Parameters<typeof createServer>[1] & object, use: (url: string, server: Server) => Promise<void>): Promise<void> {
  const server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, server);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
