import { once } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Splitter } from '@zone-eu/mailsplit';
import type { Verdict } from './storedCopy';

/** The test strings every scanner recognises: GTUBE marks spam, EICAR marks a virus. */
const GTUBE = Buffer.from('XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X');
const EICAR = Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*');

/**
 * What SES's scanners find, on content as a reader gets it: every MIME part decoded (base64,
 * quoted-printable), since that is how an attachment always travels, and the raw bytes too. A message
 * that cannot be split into parts gets PROCESSING_FAILED for what the raw bytes do not show, as SES
 * answers when it cannot scan.
 */
export async function scanMessage(raw: Buffer): Promise<{ spam: Verdict; virus: Verdict }> {
  const found = { spam: raw.includes(GTUBE), virus: raw.includes(EICAR) };
  const decoded: Promise<unknown>[] = [];
  let decoder: NodeJS.ReadWriteStream | undefined;
  const scanned = await pipeline(
    Readable.from([raw]),
    new Splitter(),
    new Writable({
      objectMode: true,
      write(data: { type: string; multipart?: string | false; value?: Buffer; getDecoder?: () => NodeJS.ReadWriteStream }, _encoding, done) {
        if (data.type === 'node') {
          decoder?.end();
          decoder = !data.multipart && data.getDecoder ? watch(data.getDecoder()) : undefined;
        } else if (data.type === 'body' && data.value && decoder) {
          decoder.write(data.value);
        }
        done();
      },
      final(done) {
        decoder?.end();
        done();
      },
    }),
  ).then(
    () => Promise.all(decoded).then(() => true),
    () => false,
  );
  const verdict = (hit: boolean): Verdict => (hit ? 'FAIL' : scanned ? 'PASS' : 'PROCESSING_FAILED');
  return { spam: verdict(found.spam), virus: verdict(found.virus) };

  function watch(stream: NodeJS.ReadWriteStream): NodeJS.ReadWriteStream {
    // The end of the previous chunk is kept, so that a marker split across two chunks is still found.
    let tail = Buffer.alloc(0);
    stream.on('data', (chunk: Buffer) => {
      const window = Buffer.concat([tail, chunk]);
      found.spam ||= window.includes(GTUBE);
      found.virus ||= window.includes(EICAR);
      tail = window.subarray(-Math.max(GTUBE.length, EICAR.length));
    });
    decoded.push(once(stream, 'end'));
    return stream;
  }
}
