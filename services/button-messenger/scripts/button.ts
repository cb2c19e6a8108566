// Configure, inspect, test and re-arm buttons: the row is data, so people edit it here, not in code.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createDocumentClient, parse, sendEmail } from '@zero-idle/core';
import { portsFrom, readState } from '@zero-idle/local-cloud/client';
import { buttonSettings, CLAIM_LEASE_MS, newButtonSecret } from '../src/domain/button';
import { testEmail } from '../src/domain/press';
import { buttonStore } from '../src/store';

const usage = `Usage: pnpm button <command> <buttonId> [options]
  configure <id> --sender a@x --to b@x,c@x --subject S --message M   create or change a button
  show <id>                      the button's settings and state
  test <id>                      send its email to the sender only (state unchanged)
  rearm <id>                     let the next press send again
  secret <id>                    make a new secret for the HTTPS trigger (the old one stops working)
Targets the local cloud (npm run dev) unless --aws is given; --stage (dev), --port-base (4566).`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    sender: { type: 'string' },
    to: { type: 'string' },
    subject: { type: 'string' },
    message: { type: 'string' },
    aws: { type: 'boolean', default: false },
    stage: { type: 'string', default: 'dev' },
    'port-base': { type: 'string', default: '4566' },
  },
});
const [command, buttonId] = positionals;

function connect() {
  if (!values.aws) {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const state = readState(root, portsFrom(Number(values['port-base'])).endpoint);
    process.env.AWS_ENDPOINT_URL = state.urls.endpoint;
    process.env.AWS_REGION ??= state.region;
    process.env.AWS_ACCESS_KEY_ID = 'localbuttoncli';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
  }
  const table = `button-messenger-${values.stage}-buttons`;
  return { store: buttonStore(createDocumentClient(), table), ses: new SESv2Client({}), httpApi: httpApiUrl() };
}

function httpApiUrl(): string {
  if (values.aws) return 'https://<your HttpApi id>.execute-api.<region>.amazonaws.com';
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  return readState(root, portsFrom(Number(values['port-base'])).endpoint).urls['button-messenger.httpApi'] ?? '';
}

async function main(): Promise<void> {
  if (!command || !buttonId) throw new Error(usage);
  const { store, ses, httpApi } = connect();
  switch (command) {
    case 'configure': {
      const current = await store.get(buttonId);
      const settings = parse(buttonSettings, {
        buttonId,
        sender: values.sender ?? current?.sender,
        recipients: values.to ? values.to.split(',').map((address) => address.trim()) : current?.recipients,
        subject: values.subject ?? current?.subject,
        message: values.message ?? current?.message,
      });
      if (!settings.ok) throw new Error(`Cannot configure ${buttonId}:\n${settings.problems}`);
      const button = await store.configure(settings.value, Date.now());
      console.log(JSON.stringify({ ...button, secretHash: undefined }, null, 2));
      if (!button.secretHash) await rotateSecret(store, buttonId, httpApi);
      return;
    }
    case 'show': {
      const button = await store.get(buttonId);
      if (!button) throw new Error(`No button ${buttonId}: configure it first`);
      return console.log(JSON.stringify({ ...button, secretHash: button.secretHash ? '(set)' : '(none)' }, null, 2));
    }
    case 'test': {
      const button = await store.get(buttonId);
      if (!button) throw new Error(`No button ${buttonId}: configure it first`);
      const result = await sendEmail(ses, { from: button.sender, to: [button.sender], ...testEmail(button) });
      if (!result.ok) throw new Error(`Test email failed: ${result.error.message}`);
      return console.log(`Test email sent to ${button.sender} (message id ${result.messageId}); the button is still ${button.state}.`);
    }
    case 'rearm': {
      const rearmed = await store.rearm(buttonId, Date.now(), Date.now() - CLAIM_LEASE_MS);
      if (!rearmed) throw new Error(`Cannot re-arm ${buttonId}: it does not exist, or a press is sending right now`);
      return console.log(`${buttonId} is ARMED: the next press sends.`);
    }
    case 'secret':
      return rotateSecret(store, buttonId, httpApi);
    default:
      throw new Error(`Unknown command ${command}\n${usage}`);
  }
}

async function rotateSecret(store: ReturnType<typeof buttonStore>, id: string, httpApi: string): Promise<void> {
  const { secret, secretHash } = newButtonSecret();
  await store.setSecretHash(id, secretHash);
  console.log(`\nHTTPS trigger secret for ${id} (shown once, store it in your shortcut):\n  ${secret}`);
  console.log(`Press with:\n  curl -X POST -H 'Authorization: Bearer ${secret}' ${httpApi}/buttons/${id}/press`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
