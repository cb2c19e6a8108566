import { type ComposedEmail, composeEmail } from '@zero-idle/core';

export function acceptedEmail(values: { name: string; title: string; startsAt: string }): ComposedEmail {
  return composeEmail(
    {
      subject: 'You are booked: {{title}}',
      text: 'Hello {{name}},\n\nThe parent booked you for "{{title}}", starting {{startsAt}}.',
      html: '<p>Hello {{name}},</p><p>The parent booked you for <b>{{title}}</b>, starting {{startsAt}}.</p>',
    },
    values,
  );
}

export function declinedEmail(values: { name: string; title: string }): ComposedEmail {
  return composeEmail(
    {
      subject: 'Your application was not chosen: {{title}}',
      text: 'Hello {{name}},\n\nThe parent booked another nanny for "{{title}}". Thank you for applying.',
      html: '<p>Hello {{name}},</p><p>The parent booked another nanny for <b>{{title}}</b>. Thank you for applying.</p>',
    },
    values,
  );
}
