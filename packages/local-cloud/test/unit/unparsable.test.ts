// A request Node cannot parse is answered, not reset: a client still writing a huge header reads its
// 431 (Node's default closes the socket under the client, which then sees ECONNRESET under load).
import { createServer, request, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { answerUnparsable } from '../../src/unparsable';

let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((_req, res) => res.end('parsed'));
  server.on('clientError', answerUnparsable);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function send(headers: Record<string, string>): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end('{}');
  });
}

it('answers 431 to every request whose headers are too large, however much the client still sends', async () => {
  const sizes = [64 * 1024, 1024 * 1024, 4 * 1024 * 1024];
  const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => send({ 'x-filler': 'x'.repeat(sizes[i % sizes.length] ?? 0) })));
  expect(answers).toEqual(answers.map(() => 431));
});

it('answers 400 to a request line that is not HTTP, and keeps serving', async () => {
  const socket = connect(port, '127.0.0.1');
  socket.end('NOT HTTP AT ALL\r\n\r\n');
  const answer = await new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    socket.on('close', () => resolve(text));
  });
  expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  expect(await send({})).toBe(200);
});
