/**
 * A typed client for a running local cloud's own API (/_local/*): what the tests, the CLIs and the
 * benches read and steer. It imports nothing of the server, so a script loads it without starting
 * or bundling one.
 */
import { callJsonApi } from './awsCall';

export { portsFrom } from './ports';
export { type LocalCloudState, readState, stateFile } from './state';

/** An injected failure: the next `count` matching calls fail with this AWS error. */
export interface Fault {
  service: string;
  action?: string;
  caller?: string;
  /** Only requests whose body or path contains this text (an S3 key, a queue name). */
  match?: string;
  count: number;
  status: number;
  code: string;
  message: string;
}

/** A refused request: who, what, on which resource, and AWS's words for why. */
export interface Denial {
  caller: string;
  action: string;
  resource: string;
  reason: string;
  at: string;
}

export interface LocalFunctionInfo {
  service: string;
  name: string;
  handler: string;
  invocations: number;
  completed: number;
  errors: number;
  /** Invocations running, and async invocations and event source batches in their retries. */
  pending: number;
  /** When the last of that work ended (epoch ms; 0 before any). */
  lastFinishedAt: number;
  /** When the oldest of its event source pollers last began a poll that found nothing to deliver; null without sources. */
  caughtUpAt: number | null;
  environment: Record<string, string>;
}

export interface LocalUserPool {
  service: string;
  pool: string;
  clients: string[];
  groups: string[];
}

export interface LocalGraphQlApi {
  service: string;
  name: string;
  url: string;
  apiKeys: string[];
}

export interface LocalSchedule {
  name: string;
  expression: string;
  next?: string;
  targets: string[];
}

export interface LocalExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  path: string;
}

/** API calls per caller and `service:Operation`. */
export type CallCounts = Record<string, Record<string, number>>;

async function json<T>(response: Response, what: string): Promise<T> {
  if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The local cloud at `endpoint` (http://127.0.0.1:4566 for `npm run dev`, the tests' one at base 14566). */
export function localCloudClient(endpoint: string) {
  const get = <T>(path: string) => fetch(`${endpoint}/_local/${path}`).then((response) => json<T>(response, `GET /_local/${path}`));
  const send = <T>(method: string, path: string, body?: unknown) =>
    fetch(`${endpoint}/_local/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) }).then((response) =>
      json<T>(response, `${method} /_local/${path}`),
    );
  const filter = (query: Record<string, string | undefined>) =>
    new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return {
    endpoint,
    health: () => get<{ ok: boolean }>('health'),
    calls: () => get<CallCounts>('calls'),
    clearCalls: () => send<{ cleared: boolean }>('DELETE', 'calls'),
    denials: async (only: { caller?: string; action?: string } = {}) =>
      (await get<Denial[]>('denials')).filter((denial) => (!only.caller || denial.caller === only.caller) && (!only.action || denial.action === only.action)),
    /** Forgets refusals a test provoked on purpose (a run fails on any left), only those of `caller` (and `action`). */
    clearDenials: (only: { caller: string; action?: string }) => send<{ cleared: number }>('DELETE', `denials?${filter(only)}`),
    faults: () => get<Fault[]>('faults'),
    injectFault: (fault: Partial<Fault> & { service: string }) => send<Fault>('POST', 'faults', fault),
    clearFaults: () => send<{ cleared: boolean }>('DELETE', 'faults'),
    functions: () => get<LocalFunctionInfo[]>('functions'),
    schedules: () => get<LocalSchedule[]>('schedules'),
    fireSchedule: (rule: string) => send<{ fired: string; time: string }>('POST', `schedules/${encodeURIComponent(rule)}/fire`),
    executions: () => get<LocalExecution[]>('executions'),
    userPools: () => get<LocalUserPool[]>('cognito'),
    graphQlApis: () => get<LocalGraphQlApi[]>('appsync'),
  };
}

export type LocalCloudClient = ReturnType<typeof localCloudClient>;

/** A call to cognito-local's own API (the AWS JSON protocol of Cognito user pools). */
export function cognitoCall<T = Record<string, unknown>>(url: string, action: string, body: object): Promise<T> {
  return callJsonApi<T>(url, `AWSCognitoIdentityProviderService.${action}`, body, { service: 'cognito-idp', jsonVersion: '1.1' });
}

/** A user in groups with a permanent password, and its tokens (what the CLI, the tests and the benches use). */
export async function localUserTokens(
  cognitoUrl: string,
  user: { poolId: string; clientId: string; username: string; password: string; email?: string; groups: readonly string[] },
): Promise<{ IdToken: string; AccessToken: string; RefreshToken?: string }> {
  await cognitoCall(cognitoUrl, 'AdminCreateUser', {
    UserPoolId: user.poolId,
    Username: user.username,
    MessageAction: 'SUPPRESS',
    TemporaryPassword: user.password,
    UserAttributes: user.email
      ? [
          { Name: 'email', Value: user.email },
          { Name: 'email_verified', Value: 'true' },
        ]
      : [],
  }).catch((error: Error) => {
    if (!/UsernameExists/.test(error.message)) throw error;
  });
  await cognitoCall(cognitoUrl, 'AdminSetUserPassword', { UserPoolId: user.poolId, Username: user.username, Password: user.password, Permanent: true });
  for (const group of user.groups) await cognitoCall(cognitoUrl, 'AdminAddUserToGroup', { UserPoolId: user.poolId, Username: user.username, GroupName: group });
  const { AuthenticationResult } = await cognitoCall<{ AuthenticationResult: { IdToken: string; AccessToken: string; RefreshToken?: string } }>(
    cognitoUrl,
    'InitiateAuth',
    {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: user.clientId,
      AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
    },
  );
  return AuthenticationResult;
}
