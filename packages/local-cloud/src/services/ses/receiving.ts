import { randomUUID } from 'node:crypto';
import type { SMTPServer } from 'smtp-server';
import { type CloudContext, type LocalModule, resourcesAcross } from '../../context';
import { ACCOUNT_ID } from '../cloudformation/intrinsics';
import { putObject } from '../s3/module';
import { ruleCovers } from './recipients';
import { scanMessage } from './scan';
import { receivingSmtpServer } from './smtp';
import { sesStoredCopy } from './storedCopy';

interface ReceiptRule {
  name: string;
  arn: string;
  recipients: string[];
  bucket: string;
  prefix: string;
  scan: boolean;
}

/**
 * SES email receiving: an SMTP listener on 127.0.0.1 that applies the templates' receipt rules. A
 * message for a rule's recipient is stored, with the X-SES headers SES adds (spam and virus verdicts
 * when the rule scans), in the rule's bucket under its prefix and the SES message id, and so triggers
 * the bucket's notifications. Messages over 40 MB are refused, as SES refuses them. As in AWS, a rule
 * whose bucket policy does not let SES write is not created (InvalidS3Configuration).
 */
export function sesReceivingModule(): LocalModule {
  let server: SMTPServer | undefined;
  const rules: ReceiptRule[] = [];
  const ruleSets = new Set<string>();
  return {
    name: 'ses-receiving',
    coverage: {
      service: 'Amazon SES',
      by: 'the local cloud (SMTP on 127.0.0.1)',
      eventSources: [
        'receipt rules with an S3 action, messages up to 40 MB; spam and virus verdicts on decoded parts when the rule scans (GTUBE, EICAR); SPF and DMARC verdicts by a local rule (the envelope domain aligned with the From domain passes)',
      ],
      notEmulated: [
        'receipt rule actions other than S3 (refused in a template)',
        'the AMAZON_SES_SETUP_NOTIFICATION object SES writes when a rule is made',
        'DKIM signature checks (dkim=none) and SPF lookups in DNS (the local rule stands in)',
      ],
    },
    needs: ['s3'],
    async start(context) {
      if (!resourcesAcross(context, 'AWS::SES::ReceiptRule').length) return;
      const fauxqs = `http://127.0.0.1:${context.ports.fauxqs}`;
      const matching = (recipient: string) => rules.find((rule) => ruleCovers(rule.recipients, recipient));

      server = receivingSmtpServer({
        accepts: (recipient) => Boolean(matching(recipient)),
        async deliver(raw, session) {
          const recipients = session.envelope.rcptTo.map((address) => address.address.toLowerCase());
          const stored = new Set<ReceiptRule>();
          // Scanned once, however many rules store the message.
          let scanned: ReturnType<typeof scanMessage> | undefined;
          const scan = () => {
            scanned ??= scanMessage(raw);
            return scanned;
          };
          const work = recipients.map(async (recipient) => {
            const rule = matching(recipient);
            if (!rule || stored.has(rule)) return;
            stored.add(rule);
            const messageId = randomUUID().replace(/-/g, '');
            const key = `${rule.prefix}${messageId}`;
            // SES writes as itself, for the rule: the bucket policy decides, message by message.
            const denied = sesMayNotWrite(context, rule, key);
            if (denied) throw new Error(`rule ${rule.name} could not write to bucket ${rule.bucket}: ${denied}`);
            const verdicts = rule.scan ? await scan() : undefined;
            const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
            const object = sesStoredCopy(raw, {
              envelopeFrom: from,
              recipient,
              clientIp: session.remoteAddress,
              helo: session.clientHostname,
              messageId,
              region: context.region,
              ruleName: rule.name,
              verdicts,
            });
            const eTag = await putObject(fauxqs, rule.bucket, key, object);
            context.log(
              `ses receiving: ${from} -> ${recipient}: stored s3://${rule.bucket}/${key} (${object.length} bytes, spam ${verdicts?.spam ?? 'not scanned'}, virus ${verdicts?.virus ?? 'not scanned'})`,
            );
            context.objectCreated?.(rule.bucket, key, object.length, eTag, 'Put');
          });
          await Promise.all(work).catch((error: Error) => {
            context.log(`ses receiving: ${error.message}`);
            throw error;
          });
        },
      });
      await new Promise<void>((resolve, reject) => {
        server?.once('error', reject);
        server?.listen(context.ports.smtp, '127.0.0.1', () => resolve());
      });
      context.urls.smtp = `smtp://127.0.0.1:${context.ports.smtp}`;
    },
    creates: {
      'AWS::SES::ReceiptRuleSet': async ({ resolver, logicalId }) => {
        ruleSets.add(resolver.ref(logicalId));
      },
      'AWS::SES::ReceiptRule': async ({ resolver, logicalId, properties }, context) => {
        const ruleSetName = resolver.resolveString(properties.RuleSetName);
        if (!ruleSets.has(ruleSetName)) throw new Error(`RuleSetDoesNotExist: Rule set does not exist: ${ruleSetName}`);
        const rule = resolver.resolve(properties.Rule) as {
          Name?: string;
          Enabled?: boolean;
          Recipients?: string[];
          ScanEnabled?: boolean;
          Actions?: Array<Record<string, { BucketName?: string; ObjectKeyPrefix?: string }>>;
        };
        const name = resolver.ref(logicalId);
        const unsupported = (rule.Actions ?? []).flatMap((action) => Object.keys(action)).filter((kind) => kind !== 'S3Action');
        if (unsupported.length) throw new Error(`the local cloud runs S3 actions of receipt rules only, not ${unsupported.join(', ')}`);
        const s3 = rule.Actions?.find((action) => action.S3Action)?.S3Action;
        if (!s3?.BucketName) return;
        const receipt: ReceiptRule = {
          name,
          arn: `arn:aws:ses:${context.region}:${ACCOUNT_ID}:receipt-rule-set/${ruleSetName}:receipt-rule/${name}`,
          recipients: (rule.Recipients ?? []).map((r) => r.toLowerCase()),
          bucket: s3.BucketName,
          prefix: s3.ObjectKeyPrefix ?? '',
          scan: Boolean(rule.ScanEnabled),
        };
        // CreateReceiptRule has SES write to the bucket first: without the bucket policy's grant, no rule.
        const denied = sesMayNotWrite(context, receipt, `${receipt.prefix}AMAZON_SES_SETUP_NOTIFICATION`);
        if (denied) throw new Error(`InvalidS3Configuration: Could not write to bucket: ${receipt.bucket} (${denied})`);
        if (rule.Enabled === false) return;
        rules.push(receipt);
        context.log(`ses receiving rule ${name}: ${receipt.recipients.join(',')} -> s3://${receipt.bucket}/${receipt.prefix}`);
      },
    },
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}

/** Why SES may not put this object in the rule's bucket (the bucket policy decides, with the rule as aws:SourceArn), or undefined when it may. */
function sesMayNotWrite(context: CloudContext, rule: ReceiptRule, key: string): string | undefined {
  // SES sends the rule and its account; older policies check the account as aws:Referer.
  const source = { 'aws:SourceArn': rule.arn, 'aws:SourceAccount': ACCOUNT_ID, 'aws:Referer': ACCOUNT_ID };
  return context.iam.check('ses.amazonaws.com', { kind: 'service', service: 'ses.amazonaws.com' }, [
    { action: 's3:PutObject', resource: `arn:aws:s3:::${rule.bucket}/${key}`, context: source },
  ])?.message;
}
