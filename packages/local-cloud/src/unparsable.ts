import type { Duplex } from 'node:stream';

/**
 * A request Node cannot parse (headers too large, a broken request line) gets its 4xx, then the
 * connection closes lingering: the rest of what the client sends is read and dropped, so it reads the
 * answer rather than a reset (Node's default destroys the socket while the client is still writing).
 */
export function answerUnparsable(error: NodeJS.ErrnoException, socket: Duplex): void {
  // Node's parser reports each further chunk of the same request again: it is answered once.
  if (answeredUnparsable.has(socket)) return;
  if (!socket.writable) return void socket.destroy();
  answeredUnparsable.add(socket);
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.on('error', () => socket.destroy()); // a client that resets while we linger is gone: nothing is left to answer
  socket.resume();
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}

const answeredUnparsable = new WeakSet<Duplex>();

/** How long a connection closing on a request that could not be parsed may still send. */
const LINGER_MS = 2_000;
