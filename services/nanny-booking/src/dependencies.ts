import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDocumentClient, loadConfig } from '@zero-idle/core';
import * as z from 'zod/mini';
import { bookingStore } from './store';

const config = loadConfig(
  z.object({
    TABLE_NAME: z.string().check(z.minLength(1)),
    DECLINES_QUEUE_URL: z.optional(z.url()),
    SENDER_EMAIL: z.optional(z.email()),
  }),
);

export function required<K extends keyof typeof config>(name: K): NonNullable<(typeof config)[K]> {
  const value = config[name];
  if (value === undefined) throw new Error(`${name} is not set in this function's environment`);
  return value as NonNullable<(typeof config)[K]>;
}

const db = createDocumentClient();
export const store = bookingStore(db, config.TABLE_NAME);
export const sesClient = () => new SESv2Client({});
export const sqsClient = () => new SQSClient({});
