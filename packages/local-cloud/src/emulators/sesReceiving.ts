import { randomUUID } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { type LocalModule, resourcesAcross } from '../context';
import { type ObjectCreated, putObject } from './s3';

interface ReceiptRule {
  name: string;
  recipients: string[];
  bucket: string;
  prefix: string;
  scan: boolean;
}

/** The test strings every scanner recognises: GTUBE marks spam, EICAR marks a virus. */
const GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const MAX_MESSAGE_BYTES = 40 * 1024 * 1024;

/**
 * SES email receiving: an SMTP listener on 127.0.0.1 that applies the templates' receipt rules. A
 * message for a rule's recipient is stored, with the X-SES headers SES adds (spam and virus verdicts
 * when the rule scans), in the rule's bucket under its prefix and the SES message id, and so triggers
 * the bucket's notifications. Messages over 40 MB are refused, as SES refuses them.
 */
export function sesReceivingModule(objectCreated: () => ObjectCreated | undefined): LocalModule {
  let server: SMTPServer | undefined;
  return {
    name: 'ses-receiving',
    async start(context) {
      const rules: ReceiptRule[] = resourcesAcross(context, 'AWS::SES::ReceiptRule').flatMap(({ resolver, properties }) => {
        const rule = resolver.resolve(properties.Rule) as {
          Name?: string;
          Enabled?: boolean;
          Recipients?: string[];
          ScanEnabled?: boolean;
          Actions?: Array<{ S3Action?: { BucketName: string; ObjectKeyPrefix?: string } }>;
        };
        const s3 = rule.Actions?.find((action) => action.S3Action)?.S3Action;
        if (rule.Enabled === false || !s3) return [];
        return [
          {
            name: rule.Name ?? 'rule',
            recipients: (rule.Recipients ?? []).map((r) => r.toLowerCase()),
            bucket: s3.BucketName,
            prefix: s3.ObjectKeyPrefix ?? '',
            scan: Boolean(rule.ScanEnabled),
          },
        ];
      });
      if (!rules.length) return;
      const fauxqs = `http://127.0.0.1:${context.ports.fauxqs}`;
      const matching = (recipient: string) =>
        rules.find(
          (rule) => rule.recipients.length === 0 || rule.recipients.some((r) => r === recipient || recipient.endsWith(`@${r}`) || recipient.endsWith(`.${r}`)),
        );

      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        size: MAX_MESSAGE_BYTES,
        banner: 'zero-idle local SES receiving',
        onRcptTo(address, _session, callback) {
          if (!matching(address.address.toLowerCase())) return callback(new Error(`550 No receipt rule for ${address.address}`));
          callback();
        },
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return callback(new Error('552 Message exceeds the 40 MB SES accepts'));
            const raw = Buffer.concat(chunks);
            const recipients = session.envelope.rcptTo.map((address) => address.address.toLowerCase());
            const stored = new Set<ReceiptRule>();
            const work = recipients.map(async (recipient) => {
              const rule = matching(recipient);
              if (!rule || stored.has(rule)) return;
              stored.add(rule);
              const messageId = randomUUID().replace(/-/g, '');
              const text = raw.toString('latin1');
              const spam = rule.scan ? (text.includes(GTUBE) ? 'FAIL' : 'PASS') : 'PROCESSING_FAILED';
              const virus = rule.scan ? (text.includes(EICAR) ? 'FAIL' : 'PASS') : 'PROCESSING_FAILED';
              const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
              const headers = [
                `Return-Path: <${from}>`,
                `Received: from ${session.clientHostname} (${session.remoteAddress}) by inbound-smtp.${context.region}.amazonaws.com with SMTP id ${messageId} for ${recipient}; ${new Date().toUTCString()}`,
                `X-SES-Spam-Verdict: ${spam}`,
                `X-SES-Virus-Verdict: ${virus}`,
                `X-SES-Receipt: local ${rule.name}`,
              ].join('\r\n');
              const object = Buffer.concat([Buffer.from(`${headers}\r\n`), raw]);
              const key = `${rule.prefix}${messageId}`;
              const eTag = await putObject(fauxqs, rule.bucket, key, object);
              context.log(`ses receiving: ${from} -> ${recipient}: stored s3://${rule.bucket}/${key} (${object.length} bytes, spam ${spam}, virus ${virus})`);
              objectCreated()?.(rule.bucket, key, object.length, eTag, 'Put');
            });
            Promise.all(work).then(
              () => callback(),
              (error: Error) => {
                context.log(`ses receiving: ${error.message}`);
                callback(new Error('451 Could not store the message; try again later'));
              },
            );
          });
        },
      });
      await new Promise<void>((resolve, reject) => {
        server?.once('error', reject);
        server?.listen(context.ports.smtp, '127.0.0.1', () => resolve());
      });
      context.urls.smtp = `smtp://127.0.0.1:${context.ports.smtp}`;
      context.log(
        `ses receiving: smtp://127.0.0.1:${context.ports.smtp} (${rules.map((rule) => `${rule.recipients.join(',')} -> s3://${rule.bucket}/${rule.prefix}`).join('; ')})`,
      );
    },
    async stop() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}
