// As a family would use it: configure a button with the CLI, press it over HTTPS and through the IoT
// topic, and read the local inbox.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { apiCalls, emailsTo, inbox, TEST_PORT_BASE, testCloud, waitForEmails } from '@zero-idle/local-cloud/testing';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const run = promisify(execFile);

/** Runs a repo CLI (what `pnpm button ...` and `pnpm local-cloud ...` run) against the tests' local cloud. */
async function cli(script: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [`${root}/node_modules/tsx/dist/cli.mjs`, script, ...args, '--port-base', String(TEST_PORT_BASE)], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return stdout;
}
const button = (...args: string[]) => cli('services/button-messenger/scripts/button.ts', ...args);
const publish = (topic: string, message: object) => cli('packages/local-cloud/src/cli.ts', 'publish', topic, JSON.stringify(message));

describe('button-messenger end to end', () => {
  it('emails the family once from the first press, over HTTPS or IoT, until re-armed', async () => {
    const id = `G030${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
    const [grandma, grandpa, parents] = ['grandma', 'grandpa', 'parents'].map((who) => `${who}-${id.toLowerCase()}@example.com`) as [string, string, string];

    const configured = await button(
      'configure',
      id,
      '--sender',
      parents,
      '--to',
      `${grandma},${grandpa}`,
      '--subject',
      "It's time!",
      '--message',
      'On our way <3',
    );
    const secret = /shown once.*\n\s+(\S+)/.exec(configured)?.[1];
    expect(secret).toBeDefined();
    expect(JSON.parse(await button('show', id))).toMatchObject({ state: 'ARMED', recipients: [grandma, grandpa], secretHash: '(set)' });

    // A test email reaches the sender only.
    expect(await button('test', id)).toContain(`Test email sent to ${parents}`);
    expect((await emailsTo(parents)).map((email) => email.subject)).toEqual(["[test] It's time!"]);
    expect(await emailsTo(grandma)).toHaveLength(0);

    // The phone shortcut: HTTPS with the button's secret.
    const url = `${testCloud().httpApi('button-messenger')}/buttons/${id}/press`;
    const wrong = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const pressed = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: '{"clickType":"SINGLE"}',
    });
    expect(pressed.status).toBe(200);
    expect(await pressed.json()).toMatchObject({ outcome: 'sent', recipients: 2 });
    const mail = await waitForEmails(grandma);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ from: parents, subject: "It's time!", destination: { to: [grandma, grandpa] }, body: { text: 'On our way <3' } });

    // The other parent presses too, on the IoT button: nothing more is sent.
    const before = (await apiCalls())['button-messenger-dev-pressButton']?.['dynamodb:UpdateItem'] ?? 0;
    await publish(`iotbutton/${id}`, { serialNumber: id, clickType: 'DOUBLE', batteryVoltage: '1705mV' });
    await waitFor(async () => ((await apiCalls())['button-messenger-dev-pressButton']?.['dynamodb:UpdateItem'] ?? 0) > before);
    expect(await emailsTo(grandma)).toHaveLength(1);
    const again = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${secret}` } });
    expect(await again.json()).toMatchObject({ outcome: 'already-sent' });

    // Re-armed, the IoT button sends once more.
    expect(await button('rearm', id)).toContain('ARMED');
    await publish(`iotbutton/${id}`, { serialNumber: id, clickType: 'SINGLE', batteryVoltage: '1700mV' });
    expect(await waitForEmails(grandpa, 2)).toHaveLength(2);
    expect(JSON.parse(await button('show', id))).toMatchObject({ state: 'SENT' });
  });

  it('answers a malformed HTTPS press with 400 and an unknown route with 404', async () => {
    const base = testCloud().httpApi('button-messenger');
    const malformed = await fetch(`${base}/buttons/ANY/press`, {
      method: 'POST',
      headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
      body: '{oops',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: 'InvalidBody', message: expect.stringContaining('body must be JSON') });
    expect((await fetch(`${base}/buttons/ANY`, { method: 'GET' })).status).toBe(404);
  });

  it('refuses to configure a button with bad settings', async () => {
    await expect(
      button('configure', 'BADBUTTON', '--sender', 'not-an-email', '--to', 'a@example.com', '--subject', 's', '--message', 'm'),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('sender must be an email address'),
    });
    expect((await inbox()).length).toBeGreaterThan(0);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
