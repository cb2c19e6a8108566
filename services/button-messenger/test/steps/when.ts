// When: a press. In process (integration tests: the handlers with the events AWS IoT and the HTTP API
// send them, the latter from the local cloud's own builder), or as a family does it: the CLI, the
// phone shortcut over HTTPS, a message on the IoT topic.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { events, lambdaContext, TEST_PORT_BASE, testCloud, useFunctionEnvironment } from '@zero-idle/local-cloud/testing';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;
const PRESS = 'button-messenger-dev-pressButton';
const root = fileURLToPath(new URL('../../../..', import.meta.url));
const run = promisify(execFile);

export async function handlersInProcess() {
  await useFunctionEnvironment(PRESS);
  return {
    pressButton: (await import('../../src/handlers/pressButton')).handler as unknown as Handler,
    pressButtonHttp: (await import('../../src/handlers/pressButtonHttp')).handler as unknown as Handler,
  };
}

/** What the classic IoT button publishes on iotbutton/<serial>, and the rule passes on. */
export const iotClick = (serialNumber: string, clickType = 'SINGLE') => ({ serialNumber, clickType, batteryVoltage: '1705mV' });

/** The phone shortcut's request as the HTTP API hands it to the function. */
export const shortcutRequest = (buttonId: string, authorization?: string, body?: string) =>
  events.httpApi({
    method: 'POST',
    url: `/buttons/${buttonId}/press`,
    routeKey: 'POST /buttons/{buttonId}/press',
    pathParameters: { buttonId },
    headers: { ...(authorization ? { authorization } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body,
  });

export function inProcess(handlers: Awaited<ReturnType<typeof handlersInProcess>>) {
  const context = lambdaContext(PRESS);
  return {
    theButtonIsClicked: (serial: string, clickType?: string) => handlers.pressButton(iotClick(serial, clickType), context),
    anEventArrives: (event: unknown) => handlers.pressButton(event, context),
    theShortcutPresses: (buttonId: string, authorization?: string, body?: string) =>
      handlers.pressButtonHttp(shortcutRequest(buttonId, authorization, body), context),
    aRequestArrives: (event: unknown) => handlers.pressButtonHttp(event, context),
  };
}

/** A repo CLI (what `pnpm button ...` and `pnpm local-cloud ...` run) against the tests' local cloud. */
async function cli(script: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [`${root}/node_modules/tsx/dist/cli.mjs`, script, ...args, '--port-base', String(TEST_PORT_BASE)], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return stdout;
}

export const asTheFamily = {
  /** `npm run button -- <args>` */
  runs: (...args: string[]) => cli('services/button-messenger/scripts/button.ts', ...args),
  /** A message on an IoT topic, as the button (or `aws iot-data publish`) sends it. */
  publishes: (topic: string, message: object) => cli('packages/local-cloud/src/cli.ts', 'publish', topic, JSON.stringify(message)),
  /** The phone shortcut over HTTPS. */
  presses: (buttonId: string, init: RequestInit = {}) => asTheFamily.requests(`/buttons/${buttonId}/press`, { method: 'POST', ...init }),
  requests: (path: string, init: RequestInit) => fetch(`${testCloud().httpApi('button-messenger')}${path}`, init),
};
