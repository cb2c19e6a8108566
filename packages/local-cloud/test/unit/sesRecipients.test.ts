// Receipt rule recipient conditions, on every form the SES Developer Guide documents:
// https://docs.aws.amazon.com/ses/latest/dg/receiving-email-receipt-rules-console-walkthrough.html
// (recipient conditions: an address, a domain, a subdomain, ".domain" for all subdomains, none for all), and
// https://docs.aws.amazon.com/ses/latest/DeveloperGuide/receiving-email-receipt-rules.html: an address
// condition "will match any form of the address with a label" (user+label@example.com).
import { describe, expect, it } from '@jest/globals';
import { conditionCovers, ruleCovers } from '../../src/services/ses/recipients';

const covers = (condition: string) => (recipient: string) => conditionCovers(condition, recipient);

describe('an address condition (user@example.com)', () => {
  const user = covers('user@example.com');
  it('covers that address, in any case', () => {
    expect(user('user@example.com')).toBe(true);
    expect(user('USER@Example.COM')).toBe(true);
    expect(conditionCovers('User@EXAMPLE.com', 'user@example.com')).toBe(true);
  });
  it('covers the address with a label', () => {
    expect(user('user+label@example.com')).toBe(true);
    expect(user('user+a+b@example.com')).toBe(true);
  });
  it('covers no other address: not a longer local part, not another domain or subdomain', () => {
    expect(user('anything.user@example.com')).toBe(false);
    expect(user('xuser@example.com')).toBe(false);
    expect(user('user.x@example.com')).toBe(false);
    expect(user('userlabel@example.com')).toBe(false);
    expect(user('label+user@example.com')).toBe(false);
    expect(user('user@mail.example.com')).toBe(false);
    expect(user('user@example.com.evil.test')).toBe(false);
    expect(user('user@example.org')).toBe(false);
  });
  it('with a label, covers that labelled address only', () => {
    const labelled = covers('user+label@example.com');
    expect(labelled('user+label@example.com')).toBe(true);
    expect(labelled('user@example.com')).toBe(false);
    expect(labelled('user+other@example.com')).toBe(false);
  });
});

describe('a domain condition (example.com)', () => {
  const domain = covers('example.com');
  it('covers every address of the domain, in any case', () => {
    expect(domain('user@example.com')).toBe(true);
    expect(domain('anyone+x@EXAMPLE.COM')).toBe(true);
  });
  it('covers no subdomain, and no domain merely ending the same', () => {
    expect(domain('user@mail.example.com')).toBe(false);
    expect(domain('user@badexample.com')).toBe(false);
    expect(domain('user@example.com.evil.test')).toBe(false);
  });
  it('a subdomain condition (mail.example.com) covers that subdomain only', () => {
    const sub = covers('mail.example.com');
    expect(sub('user@mail.example.com')).toBe(true);
    expect(sub('user@example.com')).toBe(false);
    expect(sub('user@a.mail.example.com')).toBe(false);
  });
});

describe('a leading-dot condition (.example.com)', () => {
  const subdomains = covers('.example.com');
  it('covers every address of every subdomain, however deep', () => {
    expect(subdomains('user@mail.example.com')).toBe(true);
    expect(subdomains('user@a.b.Example.com')).toBe(true);
  });
  it('covers neither the domain itself nor a domain merely ending the same', () => {
    expect(subdomains('user@example.com')).toBe(false);
    expect(subdomains('user@badexample.com')).toBe(false);
    expect(subdomains('user@mail.example.com.evil.test')).toBe(false);
  });
});

describe('a rule', () => {
  it('with no conditions covers every recipient', () => {
    expect(ruleCovers([], 'anyone@anywhere.example')).toBe(true);
  });
  it('covers a recipient any of its conditions covers, and no other', () => {
    const conditions = ['submissions@stories.example.com', 'press.example.com'];
    expect(ruleCovers(conditions, 'submissions@stories.example.com')).toBe(true);
    expect(ruleCovers(conditions, 'editor@press.example.com')).toBe(true);
    expect(ruleCovers(conditions, 'anything.submissions@stories.example.com')).toBe(false);
    expect(ruleCovers(conditions, 'editor@stories.example.com')).toBe(false);
  });
  it('covers nothing that is not an address', () => {
    expect(ruleCovers(['example.com'], 'example.com')).toBe(false);
    expect(ruleCovers(['example.com'], '@example.com')).toBe(false);
  });
});
