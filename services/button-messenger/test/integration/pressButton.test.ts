// The press handlers in process, against the local cloud's DynamoDB Local and SES.
import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { injectFault } from '@zero-idle/local-cloud/testing';
import * as given from '../steps/given';
import * as then from '../steps/then';
import { handlersInProcess, inProcess, shortcutRequest } from '../steps/when';

let when: ReturnType<typeof inProcess>;

beforeAll(async () => {
  when = inProcess(await handlersInProcess());
  // The handlers write one JSON line per press; keep the test output readable.
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

describe('pressButton (IoT)', () => {
  it('sends one email to the recipients on the first press, none on the next', async () => {
    const { id, recipient, store } = await given.aButton();
    await expect(when.theButtonIsClicked(id)).resolves.toMatchObject({ outcome: 'sent', recipients: 1 });
    await expect(when.theButtonIsClicked(id)).resolves.toMatchObject({ outcome: 'already-sent' });
    const emails = await then.emailsTo(recipient);
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ from: 'parents@example.com', subject: `Baby ${id}` });
    expect(emails[0]?.body.html).toContain('We are on our way &lt;3');
    expect(await store.get(id)).toMatchObject({ state: 'SENT', messageId: emails[0]?.messageId });
  });

  it('accepts the IoT 1-Click event shape', async () => {
    const { id, recipient } = await given.aButton();
    const oneClick = {
      deviceInfo: { deviceId: id, type: 'button', remainingLife: 99 },
      deviceEvent: { buttonClicked: { clickType: 'LONG', reportedTime: '2026-11-29T10:00:00Z' } },
    };
    await expect(when.anEventArrives(oneClick)).resolves.toMatchObject({ outcome: 'sent' });
    expect(await then.emailsTo(recipient)).toHaveLength(1);
  });

  it('gives exactly one email for 50 racing presses', async () => {
    const { id, recipient, store } = await given.aButton();
    const results = (await Promise.all(Array.from({ length: 50 }, () => when.theButtonIsClicked(id)))) as Array<{ outcome: string }>;
    expect(results.filter((result) => result.outcome === 'sent')).toHaveLength(1);
    expect(results.every((result) => ['sent', 'in-progress', 'already-sent'].includes(result.outcome))).toBe(true);
    // Every press ran in process and was awaited, each send with it: the inbox is final.
    expect(await then.emailsTo(recipient)).toHaveLength(1);
    expect(await store.get(id)).toMatchObject({ state: 'SENT', attempts: 1 });
  });

  it('does not burn the button when SES fails: the next press sends', async () => {
    const { id, recipient, store } = await given.aButton();
    // Three failures: the SDK itself retries a 500 twice before the press sees it.
    await injectFault({
      service: 'ses',
      action: 'SendEmail',
      match: recipient,
      count: 3,
      status: 500,
      code: 'InternalFailure',
      message: 'SES is having a bad day',
    });
    await expect(when.theButtonIsClicked(id)).rejects.toThrow(`Email for button ${id} was not sent`);
    expect(await store.get(id)).toMatchObject({ state: 'ARMED', lastError: expect.stringContaining('SES is having a bad day') });
    expect(await then.emailsTo(recipient)).toHaveLength(0);

    await expect(when.theButtonIsClicked(id)).resolves.toMatchObject({ outcome: 'sent' });
    expect(await then.emailsTo(recipient)).toHaveLength(1);
    expect(await store.get(id)).toMatchObject({ state: 'SENT', attempts: 2 });
  });

  it('sends again after a re-arm', async () => {
    const { id, recipient, store } = await given.aButton();
    await when.theButtonIsClicked(id);
    expect(await store.rearm(id, Date.now(), Date.now() - 60_000)).toBe(true);
    await expect(when.theButtonIsClicked(id)).resolves.toMatchObject({ outcome: 'sent' });
    expect(await then.emailsTo(recipient)).toHaveLength(2);
  });

  it('rejects an unknown button', async () => {
    await expect(when.theButtonIsClicked('NOSUCHBUTTON000')).rejects.toThrow('Unknown button NOSUCHBUTTON000: configure it first');
  });

  it.each([
    [{}, 'Invalid event'],
    [{ serialNumber: 'X', clickType: 'TRIPLE' }, 'Invalid event'],
    [{ serialNumber: '', clickType: 'SINGLE' }, 'Invalid event'],
    [{ deviceInfo: { deviceId: 'X' }, deviceEvent: {} }, 'Invalid event'],
    ['not an object', 'Invalid event'],
  ])('rejects the malformed event %j', async (event, message) => {
    await expect(when.anEventArrives(event)).rejects.toThrow(message);
    await expect(when.anEventArrives(event)).rejects.toThrow('not a button press: expected an IoT button event');
  });
});

describe('pressButtonHttp', () => {
  it('sends with the right secret and answers later presses without sending', async () => {
    const { id, recipient, secret } = await given.aButton({ secret: true });
    const first = (await when.theShortcutPresses(id, `Bearer ${secret}`)) as { statusCode: number; body: string };
    expect(first.statusCode).toBe(200);
    expect(JSON.parse(first.body)).toMatchObject({ outcome: 'sent', message: 'Email sent.' });
    const again = (await when.theShortcutPresses(id, `Bearer ${secret}`, '{"clickType":"DOUBLE"}')) as { statusCode: number; body: string };
    expect(again.statusCode).toBe(200);
    expect(JSON.parse(again.body)).toMatchObject({ outcome: 'already-sent' });
    expect(await then.emailsTo(recipient)).toHaveLength(1);
  });

  it('answers a wrong secret, a missing secret and an unknown button alike, without sending', async () => {
    const { id, recipient } = await given.aButton({ secret: true });
    for (const event of [shortcutRequest(id, 'Bearer wrong'), shortcutRequest('NOSUCHBUTTON000', 'Bearer wrong'), shortcutRequest(id)]) {
      const response = (await when.aRequestArrives(event)) as { statusCode: number };
      expect(response.statusCode).toBe(401);
    }
    expect(await then.emailsTo(recipient)).toHaveLength(0);
  });

  it('answers malformed requests with 400 and says why', async () => {
    const { id, secret } = await given.aButton({ secret: true });
    const notJson = (await when.theShortcutPresses(id, `Bearer ${secret}`, '{oops')) as { statusCode: number; body: string };
    expect(notJson.statusCode).toBe(400);
    expect(JSON.parse(notJson.body).message).toContain('body must be JSON');
    const badClick = (await when.theShortcutPresses(id, `Bearer ${secret}`, '{"clickType":"TRIPLE"}')) as { statusCode: number };
    expect(badClick.statusCode).toBe(400);
    const noPath = (await when.aRequestArrives({ headers: {} })) as { statusCode: number };
    expect(noPath.statusCode).toBe(400);
  });

  it('answers 502 when SES fails and keeps the button armed', async () => {
    const { id, recipient, secret, store } = await given.aButton({ secret: true });
    await injectFault({ service: 'ses', match: recipient, count: 3, code: 'ThrottlingException', status: 400, message: 'Maximum sending rate exceeded' });
    const response = (await when.theShortcutPresses(id, `Bearer ${secret}`)) as { statusCode: number; body: string };
    expect(response.statusCode).toBe(502);
    expect(JSON.parse(response.body)).toMatchObject({ outcome: 'failed', retryable: true });
    expect((await store.get(id))?.state).toBe('ARMED');
  });
});
