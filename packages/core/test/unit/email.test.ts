import { describe, expect, it } from '@jest/globals';
import { composeEmail, escapeHtml } from '../../src/email';

describe('composeEmail', () => {
  const template = { subject: 'Welcome {{name}}', text: 'Hello {{name}}, visit {{link}}', html: '<p>Hello {{name}}, <a href="{{link}}">visit</a></p>' };

  it('escapes every value in the HTML body only', () => {
    const email = composeEmail(template, { name: '<script>alert(1)</script>', link: 'https://x.test/?a=1&b="2"' });
    expect(email.html).toBe('<p>Hello &lt;script&gt;alert(1)&lt;/script&gt;, <a href="https://x.test/?a=1&amp;b=&quot;2&quot;">visit</a></p>');
    expect(email.text).toBe('Hello <script>alert(1)</script>, visit https://x.test/?a=1&b="2"');
  });

  it('keeps line breaks out of the subject header', () => {
    expect(composeEmail(template, { name: 'a\r\nBcc: evil@x.test', link: '' }).subject).toBe('Welcome a Bcc: evil@x.test');
  });

  it('refuses to send a hole when a value is missing', () => {
    expect(() => composeEmail(template, { name: 'x' })).toThrow('Email template needs a value for {{link}}');
  });

  it('escapes all five HTML special characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
