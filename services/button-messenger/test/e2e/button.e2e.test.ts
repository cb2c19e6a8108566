// As a family would use it: configure a button with the CLI, press it over HTTPS and through the IoT
// topic, and read the local inbox.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import * as then from '../steps/then';
import { asTheFamily as when } from '../steps/when';

describe('button-messenger end to end', () => {
  it('emails the family once from the first press, over HTTPS or IoT, until re-armed', async () => {
    const id = `G030${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
    const [grandma, grandpa, parents] = ['grandma', 'grandpa', 'parents'].map((who) => `${who}-${id.toLowerCase()}@example.com`) as [string, string, string];

    const configured = await when.runs(
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
    expect(JSON.parse(await when.runs('show', id))).toMatchObject({ state: 'ARMED', recipients: [grandma, grandpa], secretHash: '(set)' });

    // A test email reaches the sender only.
    expect(await when.runs('test', id)).toContain(`Test email sent to ${parents}`);
    expect((await then.emailsTo(parents)).map((email) => email.subject)).toEqual(["[test] It's time!"]);
    expect(await then.emailsTo(grandma)).toHaveLength(0);

    // The phone shortcut: HTTPS with the button's secret.
    const wrong = await when.presses(id, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const pressed = await when.presses(id, {
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: '{"clickType":"SINGLE"}',
    });
    expect(pressed.status).toBe(200);
    expect(await pressed.json()).toMatchObject({ outcome: 'sent', recipients: 2 });
    const mail = await then.emailsArrive(grandma);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ from: parents, subject: "It's time!", destination: { to: [grandma, grandpa] }, body: { text: 'On our way <3' } });

    // The other parent presses too, on the IoT button: nothing more is sent.
    await when.publishes(`iotbutton/${id}`, { serialNumber: id, clickType: 'DOUBLE', batteryVoltage: '1705mV' });
    await then.pressesHaveRun();
    expect(await then.emailsTo(grandma)).toHaveLength(1);
    const again = await when.presses(id, { headers: { authorization: `Bearer ${secret}` } });
    expect(await again.json()).toMatchObject({ outcome: 'already-sent' });

    // Re-armed, the IoT button sends once more.
    expect(await when.runs('rearm', id)).toContain('ARMED');
    await when.publishes(`iotbutton/${id}`, { serialNumber: id, clickType: 'SINGLE', batteryVoltage: '1700mV' });
    expect(await then.emailsArrive(grandpa, 2)).toHaveLength(2);
    expect(JSON.parse(await when.runs('show', id))).toMatchObject({ state: 'SENT' });
  });

  it('answers a malformed HTTPS press with 400 and an unknown route with 404', async () => {
    const malformed = await when.presses('ANY', {
      headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
      body: '{oops',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: 'InvalidBody', message: expect.stringContaining('body must be JSON') });
    expect((await when.requests('/buttons/ANY', { method: 'GET' })).status).toBe(404);
  });

  it('refuses to configure a button with bad settings', async () => {
    await expect(
      when.runs('configure', 'BADBUTTON', '--sender', 'not-an-email', '--to', 'a@example.com', '--subject', 's', '--message', 'm'),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('sender must be an email address'),
    });
    expect((await then.inbox()).length).toBeGreaterThan(0);
  });
});
