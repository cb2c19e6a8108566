import { type ComposedEmail, composeEmail } from '@zero-idle/core';

const ACTIVATION = {
  subject: 'Activate your account, {{name}}',
  text: 'Hello {{name}},\n\nActivate your account {{username}} by opening this link:\n{{link}}\n\nThe link expires on {{expires}}.\nIf you did not register, ignore this email.',
  html:
    '<p>Hello {{name}},</p><p>Activate your account <b>{{username}}</b>:</p>' +
    '<p><a href="{{link}}">Activate my account</a></p><p>The link expires on {{expires}}. If you did not register, ignore this email.</p>',
};

export function activationEmail(values: { name: string; username: string; link: string; expiresAt: number }): ComposedEmail {
  return composeEmail(ACTIVATION, { name: values.name, username: values.username, link: values.link, expires: new Date(values.expiresAt).toUTCString() });
}
