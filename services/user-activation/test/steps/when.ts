// When: what happens. In process (integration tests: the handlers with the events the local cloud
// sends them, from its own builders), or through the HTTP API as a browser or an app calls it.
import { events, lambdaContext, testCloud, useFunctionEnvironment } from '@zero-idle/local-cloud/testing';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;
const START = 'user-activation-dev-startActivation';
const SEND = 'user-activation-dev-sendActivationMail';

export async function handlersInProcess() {
  await useFunctionEnvironment(START);
  await useFunctionEnvironment(SEND);
  return {
    startActivation: (await import('../../src/handlers/startActivation')).handler as unknown as Handler,
    sendActivationMail: (await import('../../src/handlers/sendActivationMail')).handler as unknown as Handler,
  };
}

/** The stream record DynamoDB makes for an inserted user. */
export function userInserted(user: { username: string; tokenVersion: number }, sequenceNumber: string) {
  return events.streamRecord({
    eventName: 'INSERT',
    keys: ['pk'],
    newImage: { pk: `USER#${user.username}`, type: 'USER', username: user.username, tokenVersion: user.tokenVersion },
    sequenceNumber,
  });
}

export function inProcess(handlers: Awaited<ReturnType<typeof handlersInProcess>>) {
  return {
    /** Stream records to startActivation, as the event source mapping delivers a batch. */
    theseRecordsArrive: (records: unknown[]) => handlers.startActivation({ Records: records }, lambdaContext(START)),
    /** The state machine's SendActivationMail task for one token version. */
    theMailTaskRuns: (username: string, tokenVersion: number | undefined) => handlers.sendActivationMail({ username, tokenVersion }, lambdaContext(SEND)),
  };
}

const api = () => testCloud().httpApi('user-activation');

export const throughTheApi = {
  registers: (user: { username: string; email: string; name: string }) => throughTheApi.postsToUsers(JSON.stringify(user)),
  /** Any body, as a client that sends something else would. */
  postsToUsers: (body: string) => fetch(`${api()}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
  asksForANewLink: (username: string) => fetch(`${api()}/users/${username}/activation-email`, { method: 'POST' }),
  /** What a browser does with the emailed link: open the page, then submit its form. */
  async followsTheLink(link: URL): Promise<Response> {
    const page = await fetch(link);
    if (page.status !== 200) throw new Error(`The activation page answered ${page.status}`);
    const markup = await page.text();
    const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(markup)?.[1] ?? '';
    return fetch(new URL('activate', link), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ username: field('username'), token: field('token') }).toString(),
    });
  },
  /** What an app does: POST the token as JSON. */
  activatesWith: (username: string, token: string) =>
    fetch(`${api()}/activate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, token }) }),
  opensThePage: (query = '') => fetch(`${api()}/activate${query}`),
};
