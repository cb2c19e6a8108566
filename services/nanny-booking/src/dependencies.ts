import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDocumentClient, loadConfig, requiredFrom } from '@zero-idle/core';
import * as z from 'zod/mini';
import { bookingStore } from './store';

const config = loadConfig(
  z.object({
    TABLE_NAME: z.string().check(z.minLength(1)),
    DECLINES_QUEUE_URL: z.optional(z.url()),
    SENDER_EMAIL: z.optional(z.email()),
  }),
);

export const required = requiredFrom(config);

const db = createDocumentClient();
export const store = bookingStore(db, config.TABLE_NAME);
export const sesClient = () => new SESv2Client({});
export const sqsClient = () => new SQSClient({});
