import { randomUUID } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createDocumentClient, loadConfig, sendEmail } from '@zero-idle/core';
import * as z from 'zod/mini';
import { mailbox } from './adapters/mailbox';
import type { ReceiveDependencies } from './domain/receive';
import { submissionStore } from './store';

export const config = loadConfig(
  z.object({
    TABLE_NAME: z.string().check(z.minLength(1)),
    BUCKET: z.string().check(z.minLength(1)),
    SUBMISSIONS_ADDRESS: z.email(),
    EDITOR_EMAIL: z.email(),
  }),
);

const ses = new SESv2Client({});

export const receiveDependencies: ReceiveDependencies = {
  ...mailbox(new S3Client({}), config.BUCKET),
  records: submissionStore(createDocumentClient(), config.TABLE_NAME),
  send: (to, email) => sendEmail(ses, { from: config.SUBMISSIONS_ADDRESS, to: [to], ...email }),
  editorEmail: config.EDITOR_EMAIL,
  now: Date.now,
  newToken: randomUUID,
  sleep: (ms) => setTimeout(ms),
};
