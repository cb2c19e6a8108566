// The press handlers in process, against the local cloud's DynamoDB Local and SES.
import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { emailsTo, injectFault, lambdaContext, useFunctionEnvironment } from '@zero-idle/local-cloud/testing';
import { givenAButton } from '../support/buttons';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;
let pressIot: Handler;
let pressHttp: Handler;
const context = lambdaContext('button-messenger-dev-pressButton');

beforeAll(async () => {
  await useFunctionEnvironment('button-messenger-dev-pressButton');
  pressIot = (await import('../../src/handlers/pressButton')).handler as unknown as Handler;
  pressHttp = (await import('../../src/handlers/pressButtonHttp')).handler as unknown as Handler;
  // The handlers write one JSON line per press; keep the test output readable.
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

const iotEvent = (serialNumber: string) => ({ serialNumber, clickType: 'SINGLE', batteryVoltage: '1705mV' });
const httpEvent = (buttonId: string, authorization?: string, body?: string) => ({
  version: '2.0',
  routeKey: 'POST /buttons/{buttonId}/press',
  rawPath: `/buttons/${buttonId}/press`,
  headers: authorization ? { authorization } : {},
  pathParameters: { buttonId },
  body,
  isBase64Encoded: false,
});

describe('pressButton (IoT)', () => {
  it('sends one email to the recipients on the first press, none on the next', async () => {
    const { id, recipient, store } = await givenAButton();
    await expect(pressIot(iotEvent(id), context)).resolves.toMatchObject({ outcome: 'sent', recipients: 1 });
    await expect(pressIot(iotEvent(id), context)).resolves.toMatchObject({ outcome: 'already-sent' });
    const emails = await emailsTo(recipient);
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ from: 'parents@example.com', subject: `Baby ${id}` });
    expect(emails[0]?.body.html).toContain('We are on our way &lt;3');
    expect(await store.get(id)).toMatchObject({ state: 'SENT', messageId: emails[0]?.messageId });
  });

  it('accepts the IoT 1-Click event shape', async () => {
    const { id, recipient } = await givenAButton();
    const oneClick = {
      deviceInfo: { deviceId: id, type: 'button', remainingLife: 99 },
      deviceEvent: { buttonClicked: { clickType: 'LONG', reportedTime: '2026-11-29T10:00:00Z' } },
    };
    await expect(pressIot(oneClick, context)).resolves.toMatchObject({ outcome: 'sent' });
    expect(await emailsTo(recipient)).toHaveLength(1);
  });

  it('gives exactly one email for 50 racing presses', async () => {
    const { id, recipient, store } = await givenAButton();
    const results = (await Promise.all(Array.from({ length: 50 }, () => pressIot(iotEvent(id), context)))) as Array<{ outcome: string }>;
    expect(results.filter((result) => result.outcome === 'sent')).toHaveLength(1);
    expect(results.every((result) => ['sent', 'in-progress', 'already-sent'].includes(result.outcome))).toBe(true);
    // Every press ran in process and was awaited, each send with it: the inbox is final.
    expect(await emailsTo(recipient)).toHaveLength(1);
    expect(await store.get(id)).toMatchObject({ state: 'SENT', attempts: 1 });
  });

  it('does not burn the button when SES fails: the next press sends', async () => {
    const { id, recipient, store } = await givenAButton();
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
    await expect(pressIot(iotEvent(id), context)).rejects.toThrow(`Email for button ${id} was not sent`);
    expect(await store.get(id)).toMatchObject({ state: 'ARMED', lastError: expect.stringContaining('SES is having a bad day') });
    expect(await emailsTo(recipient)).toHaveLength(0);

    await expect(pressIot(iotEvent(id), context)).resolves.toMatchObject({ outcome: 'sent' });
    expect(await emailsTo(recipient)).toHaveLength(1);
    expect(await store.get(id)).toMatchObject({ state: 'SENT', attempts: 2 });
  });

  it('sends again after a re-arm', async () => {
    const { id, recipient, store } = await givenAButton();
    await pressIot(iotEvent(id), context);
    expect(await store.rearm(id, Date.now(), Date.now() - 60_000)).toBe(true);
    await expect(pressIot(iotEvent(id), context)).resolves.toMatchObject({ outcome: 'sent' });
    expect(await emailsTo(recipient)).toHaveLength(2);
  });

  it('rejects an unknown button', async () => {
    await expect(pressIot(iotEvent('NOSUCHBUTTON000'), context)).rejects.toThrow('Unknown button NOSUCHBUTTON000: configure it first');
  });

  it.each([
    [{}, 'Invalid event'],
    [{ serialNumber: 'X', clickType: 'TRIPLE' }, 'Invalid event'],
    [{ serialNumber: '', clickType: 'SINGLE' }, 'Invalid event'],
    [{ deviceInfo: { deviceId: 'X' }, deviceEvent: {} }, 'Invalid event'],
    ['not an object', 'Invalid event'],
  ])('rejects the malformed event %j', async (event, message) => {
    await expect(pressIot(event, context)).rejects.toThrow(message);
    await expect(pressIot(event, context)).rejects.toThrow('not a button press: expected an IoT button event');
  });
});

describe('pressButtonHttp', () => {
  it('sends with the right secret and answers later presses without sending', async () => {
    const { id, recipient, secret } = await givenAButton({ secret: true });
    const first = (await pressHttp(httpEvent(id, `Bearer ${secret}`), context)) as { statusCode: number; body: string };
    expect(first.statusCode).toBe(200);
    expect(JSON.parse(first.body)).toMatchObject({ outcome: 'sent', message: 'Email sent.' });
    const again = (await pressHttp(httpEvent(id, `Bearer ${secret}`, '{"clickType":"DOUBLE"}'), context)) as { statusCode: number; body: string };
    expect(again.statusCode).toBe(200);
    expect(JSON.parse(again.body)).toMatchObject({ outcome: 'already-sent' });
    expect(await emailsTo(recipient)).toHaveLength(1);
  });

  it('answers a wrong secret, a missing secret and an unknown button alike, without sending', async () => {
    const { id, recipient } = await givenAButton({ secret: true });
    for (const event of [httpEvent(id, 'Bearer wrong'), httpEvent('NOSUCHBUTTON000', 'Bearer wrong'), httpEvent(id)]) {
      const response = (await pressHttp(event, context)) as { statusCode: number };
      expect(response.statusCode).toBe(401);
    }
    expect(await emailsTo(recipient)).toHaveLength(0);
  });

  it('answers malformed requests with 400 and says why', async () => {
    const { id, secret } = await givenAButton({ secret: true });
    const notJson = (await pressHttp(httpEvent(id, `Bearer ${secret}`, '{oops'), context)) as { statusCode: number; body: string };
    expect(notJson.statusCode).toBe(400);
    expect(JSON.parse(notJson.body).message).toContain('body must be JSON');
    const badClick = (await pressHttp(httpEvent(id, `Bearer ${secret}`, '{"clickType":"TRIPLE"}'), context)) as { statusCode: number };
    expect(badClick.statusCode).toBe(400);
    const noPath = (await pressHttp({ headers: {} }, context)) as { statusCode: number };
    expect(noPath.statusCode).toBe(400);
  });

  it('answers 502 when SES fails and keeps the button armed', async () => {
    const { id, recipient, secret, store } = await givenAButton({ secret: true });
    await injectFault({ service: 'ses', match: recipient, count: 3, code: 'ThrottlingException', status: 400, message: 'Maximum sending rate exceeded' });
    const response = (await pressHttp(httpEvent(id, `Bearer ${secret}`), context)) as { statusCode: number; body: string };
    expect(response.statusCode).toBe(502);
    expect(JSON.parse(response.body)).toMatchObject({ outcome: 'failed', retryable: true });
    expect((await store.get(id))?.state).toBe('ARMED');
  });
});
