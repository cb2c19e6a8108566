import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** SES receiving's largest message, headers included (https://docs.aws.amazon.com/ses/latest/dg/quotas.html). */
export const MAX_MESSAGE_BYTES = 40 * 1024 * 1024;

export interface ReceivingSmtpOptions {
  /** The largest message accepted, in bytes. */
  maxMessageBytes?: number;
  /** Whether a receipt rule of the active rule set covers the recipient. */
  accepts(recipient: string): boolean;
  /** Stores a message that every check let through; a rejection is answered as a temporary failure. */
  deliver(raw: Buffer, session: SMTPServerSession): Promise<void>;
}

/** An SMTP reply with its code: smtp-server answers err.responseCode, and 450 when there is none. */
const reply = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code });

/**
 * The SMTP side of SES receiving. EHLO advertises SIZE with the limit; a declared SIZE over it is refused
 * at MAIL FROM, and a longer message after its data, both with the permanent 552 5.3.4 (SES's "Message
 * Too Large"); a recipient no rule covers is refused at RCPT TO with 550 5.1.1 ("Mailbox Does Not Exist").
 * Code pairs as https://docs.aws.amazon.com/ses/latest/dg/receiving-email-action-bounce.html lists them.
 */
export function receivingSmtpServer(options: ReceivingSmtpOptions): SMTPServer {
  const max = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  return new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    size: max,
    // smtp-server then answers an over-limit message 552 5.3.4 itself, whatever onData says.
    rejectOversized: true,
    banner: 'zero-idle local SES receiving',
    onRcptTo(address, _session, callback) {
      if (!options.accepts(address.address)) return callback(reply(550, 'Mailbox does not exist'));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        // Past the limit the message is refused: keep none of it, but read on to the end of the data.
        if (bytes > max) chunks.length = 0;
        else chunks.push(chunk);
      });
      stream.on('end', () => {
        // Over the limit: the 552 goes out from smtp-server (rejectOversized), nothing is stored.
        if (bytes > max || stream.sizeExceeded) return callback();
        options.deliver(Buffer.concat(chunks), session).then(
          () => callback(),
          () => callback(reply(451, 'Could not store the message; try again later')),
        );
      });
    },
  });
}
