// Forwarding to an emulator: no request may hang, and an emulator that is gone is a service that is
// unavailable (503, which the endpoint then words in the service's protocol, and SDKs retry).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
});
