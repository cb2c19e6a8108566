import { type ComposedEmail, composeEmail } from '@zero-idle/core';

export function confirmationEmail(values: { name: string; title: string; id: string }): ComposedEmail {
  return composeEmail(
    {
      subject: 'We received your submission: {{title}}',
      text: 'Dear {{name}},\n\nThank you for sending "{{title}}". Our editors read every submission; we will write to you with a decision.\n\nYour submission number: {{id}}',
      html: '<p>Dear {{name}},</p><p>Thank you for sending <b>{{title}}</b>. Our editors read every submission; we will write to you with a decision.</p><p>Your submission number: {{id}}</p>',
    },
    values,
  );
}

export function editorNotification(values: { name: string; email: string; title: string; id: string; manuscript: string }): ComposedEmail {
  return composeEmail(
    {
      subject: 'New submission: {{title}} by {{name}}',
      text: '{{name}} <{{email}}> sent "{{title}}" ({{manuscript}}).\nTake it with: npm run editor -- take\nSubmission {{id}}',
      html: '<p>{{name}} &lt;{{email}}&gt; sent <b>{{title}}</b> ({{manuscript}}).</p><p>Take it with <code>npm run editor -- take</code>. Submission {{id}}</p>',
    },
    values,
  );
}

export function noManuscriptEmail(values: { name: string; title: string }): ComposedEmail {
  return composeEmail(
    {
      subject: 'Your submission had no manuscript: {{title}}',
      text: 'Dear {{name}},\n\nWe received your email "{{title}}" but found no manuscript attached. Please reply with your story attached as a .docx, .doc, .odt, .rtf, .pdf or .txt file (one file per story).',
      html: '<p>Dear {{name}},</p><p>We received your email <b>{{title}}</b> but found no manuscript attached. Please send your story attached as a .docx, .doc, .odt, .rtf, .pdf or .txt file (one file per story).</p>',
    },
    values,
  );
}
