import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createDocumentClient, loadConfig } from '@zero-idle/core';
import * as z from 'zod/mini';
import { submissionStore } from './store';

export const config = loadConfig(
  z.object({
    TABLE_NAME: z.string().check(z.minLength(1)),
    BUCKET: z.string().check(z.minLength(1)),
    SUBMISSIONS_ADDRESS: z.email(),
    EDITOR_EMAIL: z.email(),
  }),
);

export const store = submissionStore(createDocumentClient(), config.TABLE_NAME);
export const s3 = new S3Client({});
export const ses = new SESv2Client({});
