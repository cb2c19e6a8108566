import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { createDocumentClient, loadConfig, requiredFrom, systemClock } from '@zero-idle/core';
import * as z from 'zod/mini';
import { stepFunctionsActivations } from './adapters/activations';
import { sesMailer } from './adapters/sesMailer';
import { userStore } from './store';

const number = z.pipe(z.string(), z.transform(Number));

const config = loadConfig(
  z.object({
    USERS_TABLE: z.string().check(z.minLength(1)),
    STATE_MACHINE_ARN: z.optional(z.string()),
    ACTIVATION_SECRET: z.optional(z.string().check(z.minLength(32, 'ACTIVATION_SECRET must be at least 32 characters'))),
    ACTIVATION_BASE_URL: z.optional(z.url()),
    SENDER_EMAIL: z.optional(z.email()),
    ACTIVATION_TTL_HOURS: z._default(number, 48),
    RESEND_COOLDOWN_SECONDS: z._default(number, 60),
    MAX_RESENDS: z._default(number, 5),
  }),
);

export const required = requiredFrom(config);

/** How long a link lives and how often a user may ask for another. */
export const limits = {
  ttlHours: config.ACTIVATION_TTL_HOURS,
  resendCooldownSeconds: config.RESEND_COOLDOWN_SECONDS,
  maxResends: config.MAX_RESENDS,
};

// Created once per container and reused by warm invocations.
export const store = userStore(createDocumentClient(), config.USERS_TABLE);
export const clock = systemClock;
// Factories, so a bundle holds only the adapters its handler uses (one made at import is never tree-shaken).
// Step Functions owns the retries of a failed send (with backoff, visible in the execution), so one attempt here.
export const mailer = () => sesMailer(new SESv2Client({ maxAttempts: 1 }));
export const activations = () => stepFunctionsActivations(new SFNClient({}), required('STATE_MACHINE_ARN'));
