import { execFile } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createDocumentClient } from '@zero-idle/core';
import { TEST_PORT_BASE, testCloud } from '@zero-idle/local-cloud/testing';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { envelopeOf } from '../../src/domain/envelope';
import { type Submission, submissionId } from '../../src/domain/submission';
import { digestMessage } from '../../src/mail/readMessage';
import { submissionStore } from '../../src/store';

export const INBOX = 'submissions@stories.example.com';
export const EDITOR = 'editor@stories.example.com';
export const BUCKET = 'story-submissions-dev-mail';
export const PROCESS = 'story-submissions-dev-processSubmission';
export const store = submissionStore(createDocumentClient(), 'story-submissions-dev');
export const s3 = () => new S3Client({ forcePathStyle: true });

/** An author's mail client, talking SMTP to the local SES receiving endpoint. */
export function mailer() {
  const url = new URL(testCloud().urls.smtp ?? '');
  return nodemailer.createTransport({ host: url.hostname, port: Number(url.port), secure: false, ignoreTLS: true });
}

export async function waitForSubmission(id: string, done: (submission: Submission) => boolean = (s) => s.state !== 'receiving', timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const submission = await store.get(id);
    if ((submission && done(submission)) || Date.now() > deadline) return submission;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function objectBytes(key: string): Promise<Buffer> {
  const { Body } = await s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await (Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

export async function listKeys(prefix: string): Promise<string[]> {
  const { Contents = [] } = await s3().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return Contents.map((object) => object.Key ?? '');
}

export async function objectExists(key: string): Promise<boolean> {
  return s3()
    .send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))
    .then(() => true)
    .catch(() => false);
}

const root = fileURLToPath(new URL('../../../..', import.meta.url));
/** The editor CLI (what `npm run editor --` runs) against the tests' local cloud. */
export async function editor(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(
    process.execPath,
    [`${root}/node_modules/tsx/dist/cli.mjs`, 'services/story-submissions/scripts/editor.ts', ...args, '--port-base', String(TEST_PORT_BASE)],
    {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '' },
      maxBuffer: 10 * 1024 * 1024,
    },
  );
}

/** A message as a mail client builds it: the bytes every delivery of it carries. */
export async function compose(mail: Mail.Options): Promise<Buffer> {
  return new MailComposer(mail).compile().build();
}

/** Delivers raw bytes over SMTP, as a mail server does (the envelope sender defaults to the From address). */
export async function deliver(raw: Buffer, envelope: { from?: string; to?: string[] } = {}): Promise<void> {
  const { headers } = await digestMessage(Readable.from([raw]));
  const from = envelope.from ?? envelopeOf(headers).from?.address ?? '';
  await mailer().sendMail({ envelope: { from, to: envelope.to ?? [INBOX] }, raw });
}

/** The id processSubmission gives the message (Message-ID, sender, content): what the test looks for in the table. */
export async function submissionIdOf(raw: Buffer): Promise<string> {
  const { headers, bodyDigest } = await digestMessage(Readable.from([raw]));
  const envelope = envelopeOf(headers);
  return submissionId({ messageId: envelope.messageId, sender: envelope.from?.address, bodyDigest });
}
