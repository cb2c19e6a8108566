import { ClientError, createHandler } from '@zero-idle/core';
import * as z from 'zod/mini';
import { pressDependencies } from '../dependencies';
import { type Press, pressButton as press } from '../domain/press';

const clickType = z.enum(['SINGLE', 'DOUBLE', 'LONG']);
const nonEmpty = z.string().check(z.minLength(1));

/** The classic AWS IoT button, delivered by the IoT rule on iotbutton/+. */
const iotButtonEvent = z.pipe(
  z.object({ serialNumber: nonEmpty, clickType, batteryVoltage: z.optional(z.string()) }),
  z.transform((e): Press => ({ buttonId: e.serialNumber, clickType: e.clickType, source: 'iot' })),
);

/** AWS IoT 1-Click (discontinued 2024-12-16, still accepted for buttons already placed). */
const oneClickEvent = z.pipe(
  z.object({
    deviceInfo: z.object({ deviceId: nonEmpty }),
    deviceEvent: z.object({ buttonClicked: z.object({ clickType }) }),
  }),
  z.transform((e): Press => ({ buttonId: e.deviceInfo.deviceId, clickType: e.deviceEvent.buttonClicked.clickType, source: 'iot-1-click' })),
);

/** A press from a device; the device itself is authenticated by IoT Core, so no secret is asked. */
const buttonEvent = z.union(
  [iotButtonEvent, oneClickEvent],
  'not a button press: expected an IoT button event {serialNumber, clickType: SINGLE|DOUBLE|LONG} ' +
    'or an IoT 1-Click event {deviceInfo: {deviceId}, deviceEvent: {buttonClicked: {clickType}}}',
);

export const handler = createHandler({ event: buttonEvent }, async (event, { log }) => {
  log({ button: event.buttonId, clickType: event.clickType, source: event.source });
  const result = await press(pressDependencies, event);
  log(result);
  if (result.outcome === 'unknown-button') throw new ClientError(404, `Unknown button ${event.buttonId}: configure it first`, 'UnknownButton');
  // Failing the invocation makes IoT's asynchronous invoke retry; the button was re-armed, so a retry may send.
  if (result.outcome === 'failed') throw new Error(`Email for button ${event.buttonId} was not sent: ${result.error}`);
  return result;
});
