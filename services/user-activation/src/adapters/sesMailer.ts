import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { sendEmail } from '@zero-idle/core';
import type { Mailer } from '../domain/ports';

export const sesMailer = (ses: SESv2Client): Mailer => ({ send: (email) => sendEmail(ses, email) });
