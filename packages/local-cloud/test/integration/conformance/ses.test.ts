// Every SES operation the coverage table lists, through the endpoint with the real SDK v3 clients of
// both APIs: v1 (query protocol, @aws-sdk/client-ses) and v2 (REST, @aws-sdk/client-sesv2).
import {
  CreateConfigurationSetCommand,
  DeleteIdentityCommand,
  GetAccountSendingEnabledCommand,
  GetIdentityVerificationAttributesCommand,
  GetSendQuotaCommand,
  ListIdentitiesCommand,
  ListVerifiedEmailAddressesCommand,
  SESClient,
  SendEmailCommand as SendEmailV1Command,
  SendRawEmailCommand,
  VerifyDomainIdentityCommand,
  VerifyEmailAddressCommand,
  VerifyEmailIdentityCommand,
} from '@aws-sdk/client-ses';
import {
  CreateEmailIdentityCommand,
  CreateEmailTemplateCommand,
  DeleteEmailIdentityCommand,
  DeleteEmailTemplateCommand,
  GetAccountCommand,
  GetEmailIdentityCommand,
  GetEmailTemplateCommand,
  ListEmailIdentitiesCommand,
  ListEmailTemplatesCommand,
  SESv2Client,
  SendBulkEmailCommand,
  SendEmailCommand,
  TestRenderEmailTemplateCommand,
  UpdateEmailTemplateCommand,
} from '@aws-sdk/client-sesv2';
import { afterAll, describe, expect, it } from '@jest/globals';
import { emailsTo, waitForEmails } from '../../../src/testing';
import { clientConfig, expectEveryDeclaredOperationCalled } from '../../support/conformance';

const KEY = 'conformanceses';
const v1 = new SESClient(clientConfig(KEY));
const v2 = new SESv2Client(clientConfig(KEY));
const run = Date.now();
const sender = `sender-${run}@example.com`;
const reader = `reader-${run}@example.com`;
const TemplateName = `conformance-${run}`;

afterAll(() => {
  v1.destroy();
  v2.destroy();
});

describe('SES v1 through the endpoint', () => {
  it('verifies an email identity by the link SES mails, and a domain by its token', async () => {
    await v1.send(new VerifyEmailIdentityCommand({ EmailAddress: sender }));
    const status = async () => (await v1.send(new GetIdentityVerificationAttributesCommand({ Identities: [sender] }))).VerificationAttributes?.[sender];
    expect(await status()).toEqual({ VerificationStatus: 'Pending' });
    const [verification] = await waitForEmails(sender);
    const link = /(http:\/\/\S+\/_local\/ses\/verify\/\S+)/.exec(verification?.body.text ?? '')?.[1] ?? '';
    expect((await fetch(link)).status).toBe(200);
    expect(await status()).toEqual({ VerificationStatus: 'Success' });
    await v1.send(new VerifyEmailAddressCommand({ EmailAddress: reader }));
    const { VerificationToken } = await v1.send(new VerifyDomainIdentityCommand({ Domain: `d${run}.example.com` }));
    expect(VerificationToken).toMatch(/^[0-9a-f]{32}$/);
    expect((await v1.send(new ListIdentitiesCommand({ IdentityType: 'EmailAddress' }))).Identities).toEqual(expect.arrayContaining([sender, reader]));
    expect((await v1.send(new ListVerifiedEmailAddressesCommand({}))).VerifiedEmailAddresses).toContain(sender);
    await v1.send(new DeleteIdentityCommand({ Identity: reader }));
    expect((await v1.send(new ListIdentitiesCommand({}))).Identities).not.toContain(reader);
  });

  it('sends plain and raw email to the inbox, counted in the quota', async () => {
    const before = (await v1.send(new GetSendQuotaCommand({}))).SentLast24Hours ?? 0;
    await v1.send(
      new SendEmailV1Command({
        Source: sender,
        Destination: { ToAddresses: [reader] },
        Message: { Subject: { Data: 'v1 plain' }, Body: { Text: { Data: 'hi' } } },
      }),
    );
    const raw = `From: ${sender}\r\nTo: ${reader}\r\nSubject: v1 raw\r\nContent-Type: text/plain\r\n\r\nhello raw\r\n`;
    await v1.send(new SendRawEmailCommand({ RawMessage: { Data: Buffer.from(raw) } }));
    await waitForEmails(reader, 2);
    expect((await emailsTo(reader)).map((email) => email.subject)).toEqual(expect.arrayContaining(['v1 plain', 'v1 raw']));
    expect(await v1.send(new GetSendQuotaCommand({}))).toMatchObject({ Max24HourSend: 200, MaxSendRate: 1, SentLast24Hours: before + 2 });
    expect((await v1.send(new GetAccountSendingEnabledCommand({}))).Enabled).toBe(true);
  });

  it('refuses an operation it does not emulate with InvalidAction', async () => {
    await expect(v1.send(new CreateConfigurationSetCommand({ ConfigurationSet: { Name: 'x' } }))).rejects.toMatchObject({ name: 'InvalidAction' });
  });
});

describe('SES v2 through the endpoint', () => {
  it("keeps identities and tells the account's sandbox quota", async () => {
    const identity = `v2-${run}@example.com`;
    expect((await v2.send(new CreateEmailIdentityCommand({ EmailIdentity: identity }))).IdentityType).toBe('EMAIL_ADDRESS');
    expect((await v2.send(new GetEmailIdentityCommand({ EmailIdentity: identity }))).VerifiedForSendingStatus).toBe(false);
    expect((await v2.send(new ListEmailIdentitiesCommand({}))).EmailIdentities?.map((i) => i.IdentityName)).toContain(identity);
    await v2.send(new DeleteEmailIdentityCommand({ EmailIdentity: identity }));
    await expect(v2.send(new GetEmailIdentityCommand({ EmailIdentity: identity }))).rejects.toMatchObject({ name: 'NotFoundException' });
    expect((await v2.send(new GetAccountCommand({}))).SendQuota).toMatchObject({ Max24HourSend: 200, MaxSendRate: 1 });
  });

  it('sends simple, templated and bulk email', async () => {
    await v2.send(
      new CreateEmailTemplateCommand({
        TemplateName,
        TemplateContent: { Subject: 'Hello {{name}}', Text: 'Dear {{name}}, welcome.' },
      }),
    );
    await v2.send(new UpdateEmailTemplateCommand({ TemplateName, TemplateContent: { Subject: 'Hi {{name}}', Text: 'Dear {{name}}, welcome back.' } }));
    expect((await v2.send(new GetEmailTemplateCommand({ TemplateName }))).TemplateContent?.Subject).toBe('Hi {{name}}');
    expect((await v2.send(new ListEmailTemplatesCommand({}))).TemplatesMetadata?.map((t) => t.TemplateName)).toContain(TemplateName);
    const { RenderedTemplate } = await v2.send(new TestRenderEmailTemplateCommand({ TemplateName, TemplateData: '{"name":"Ada"}' }));
    expect(RenderedTemplate).toContain('Subject: Hi Ada');
    const to = `v2-reader-${run}@example.com`;
    await v2.send(
      new SendEmailCommand({
        FromEmailAddress: sender,
        Destination: { ToAddresses: [to] },
        Content: { Simple: { Subject: { Data: 'v2 simple' }, Body: { Text: { Data: 'hi' } } } },
      }),
    );
    await v2.send(
      new SendBulkEmailCommand({
        FromEmailAddress: sender,
        DefaultContent: { Template: { TemplateName, TemplateData: '{"name":"friend"}' } },
        BulkEmailEntries: [
          { Destination: { ToAddresses: [to] }, ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: '{"name":"Ada"}' } } },
        ],
      }),
    );
    await waitForEmails(to, 2);
    expect((await emailsTo(to)).map((email) => email.subject)).toEqual(expect.arrayContaining(['v2 simple', 'Hi Ada']));
    await v2.send(new DeleteEmailTemplateCommand({ TemplateName }));
  });

  it('has driven every operation the coverage table lists', async () => {
    await expectEveryDeclaredOperationCalled('Amazon SES', 'ses', [KEY]);
  });
});
