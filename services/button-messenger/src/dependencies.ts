import { randomUUID } from 'node:crypto';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createDocumentClient, loadConfig, sendEmail } from '@zero-idle/core';
import * as z from 'zod/mini';
import { hashSecret } from './domain/button';
import type { PressDependencies } from './domain/press';
import { buttonStore } from './store';

const config = loadConfig(z.object({ BUTTONS_TABLE: z.string().check(z.minLength(1)) }));

// Created once per container (cold start), reused by every warm invocation.
const ses = new SESv2Client({});
export const store = buttonStore(createDocumentClient(), config.BUTTONS_TABLE);

export const pressDependencies: PressDependencies = {
  store,
  send: (from, to, email) => sendEmail(ses, { from, to, ...email }),
  now: Date.now,
  newClaimId: randomUUID,
  hashSecret,
};
