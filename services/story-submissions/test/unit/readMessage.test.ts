// The streaming reader: a fault of S3 (the source, or the part store) stays what it is, so the
// invocation fails and is retried; only what the parser refuses is UnreadableMessage.
import { PassThrough, Readable } from 'node:stream';
import { expect, it } from '@jest/globals';
import MailComposer from 'nodemailer/lib/mail-composer';
import { readParts, UnreadableMessage } from '../../src/mail/readMessage';

const message = () =>
  new MailComposer({
    from: 'ada@example.com',
    subject: 'Parts',
    text: 'body',
    attachments: [
      { filename: 'one.docx', content: Buffer.alloc(300_000, 1) },
      { filename: 'two.pdf', content: Buffer.alloc(10, 2) },
    ],
  })
    .compile()
    .build();
const slowDown = () => Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown' });

it('hands out every part decoded, numbering the files', async () => {
  const seen: string[] = [];
  await readParts(Readable.from([await message()]), async (part) => {
    let size = 0;
    for await (const chunk of part.content) size += chunk.length;
    seen.push(`${part.role} ${part.number} ${part.filename ?? ''} ${size}`);
  });
  expect(seen).toEqual(['text 0  4', 'file 1 one.docx 300000', 'file 2 two.pdf 10']);
});

it("passes on the part store's fault as it is", async () => {
  const failing = readParts(Readable.from([await message()]), async (part) => {
    part.content.resume();
    if (part.filename === 'one.docx') throw slowDown();
  });
  await expect(failing).rejects.toMatchObject({ name: 'SlowDown' });
});

it("passes on the source's fault as it is", async () => {
  const raw = await message();
  const source = new PassThrough();
  source.write(raw.subarray(0, 2_000));
  setImmediate(() => source.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
  const failing = readParts(source, async (part) => {
    part.content.resume();
  });
  await expect(failing).rejects.toMatchObject({ code: 'ECONNRESET' });
  await expect(failing).rejects.not.toBeInstanceOf(UnreadableMessage);
});
