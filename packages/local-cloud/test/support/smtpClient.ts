// A bare SMTP client on a socket: each command and the server's whole reply to it, so a test sees
// exactly what a sending mail server would (codes, and when they come).
import { createConnection, type Socket } from 'node:net';

export interface SmtpSession {
  /** The 220 greeting. */
  greeting: string;
  /** Sends one command line; resolves with the whole (possibly multi-line) reply. */
  command(line: string): Promise<string>;
  /** After a 354: sends the message (its lines end in CRLF) and the terminating dot; resolves with the reply. */
  data(message: Buffer): Promise<string>;
  close(): void;
}

export async function smtpSession(port: number): Promise<SmtpSession> {
  const socket = createConnection({ host: '127.0.0.1', port });
  let buffered = '';
  const waiting: Array<(reply: string) => void> = [];
  const replies: string[] = [];
  socket.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('latin1');
    // A reply ends with a line "ddd text" (a space after the code); "ddd-text" lines continue it.
    for (let end = replyEnd(buffered); end >= 0; end = replyEnd(buffered)) {
      const reply = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const resolve = waiting.shift();
      if (resolve) resolve(reply);
      else replies.push(reply);
    }
  });
  const next = () => new Promise<string>((resolve) => (replies.length ? resolve(replies.shift() ?? '') : waiting.push(resolve)));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const greeting = await next();
  return {
    greeting,
    command(line) {
      socket.write(`${line}\r\n`);
      return next();
    },
    async data(message) {
      const reply = next();
      await writeAll(socket, message);
      socket.write('.\r\n');
      return reply;
    },
    close: () => socket.destroy(),
  };
}

/** Where the first complete reply in `text` ends (before its CRLF), or -1. */
function replyEnd(text: string): number {
  const match = /^\d{3} .*\r\n/m.exec(text);
  return match ? match.index + match[0].length - 2 : -1;
}

/** Writes in slices, waiting for the socket to drain: a 40 MiB message is not one write. */
async function writeAll(socket: Socket, bytes: Buffer): Promise<void> {
  const slice = 1024 * 1024;
  for (let offset = 0; offset < bytes.length; offset += slice) {
    if (!socket.write(bytes.subarray(offset, offset + slice))) await new Promise((resolve) => socket.once('drain', resolve));
  }
}

/** A plain message of exactly `size` bytes (headers included, ending in CRLF), with no line over 78 bytes. */
export function messageOfSize(size: number, subject = 'sized'): Buffer {
  const header = Buffer.from(`From: author@example.com\r\nTo: submissions@stories.example.com\r\nSubject: ${subject}\r\n\r\n`);
  const message = Buffer.alloc(size, 'a');
  header.copy(message);
  // A CRLF every 78 bytes of the body, none closer than two bytes to the closing CRLF (no bare CR).
  for (let at = header.length + 76; at <= size - 4; at += 78) message.write('\r\n', at, 'latin1');
  message.write('\r\n', size - 2, 'latin1');
  return message;
}
