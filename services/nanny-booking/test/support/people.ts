import { randomBytes } from 'node:crypto';
import { localUserTokens } from '@zero-idle/local-cloud/client';
import { local, testCloud } from '@zero-idle/local-cloud/testing';

export interface Person {
  username: string;
  email: string;
  token: string;
}

export const unique = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;

async function pool(): Promise<{ pool: string; clients: string[] }> {
  const found = (await local().userPools()).find((candidate) => candidate.service === 'nanny-booking');
  if (!found) throw new Error('The local cloud has no nanny-booking user pool');
  return found;
}

/** A Cognito user in groups, signed in (its id token), as `npm run local-cloud -- user` makes one. */
export async function signedIn(prefix: string, groups: string[]): Promise<Person> {
  const { pool: poolId, clients } = await pool();
  const username = unique(prefix);
  const email = `${username}@example.com`;
  const tokens = await localUserTokens(testCloud().urls.cognito ?? '', {
    poolId,
    clientId: clients[0] ?? '',
    username,
    password: 'Local-passw0rd',
    email,
    groups,
  });
  return { username, email, token: tokens.IdToken };
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ errorType: string; message: string }>;
}

export async function graphql<T = Record<string, unknown>>(
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(testCloud().urls['nanny-booking.graphql'] ?? '', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<GraphQLResponse<T>, 'status'>) };
}

/** Signed in and with a profile (createUser). */
export async function member(prefix: string, group: 'admin' | 'parent' | 'nanny'): Promise<Person> {
  const person = await signedIn(prefix, [group]);
  const created = await graphql(person.token, 'mutation($input: CreateUserInput!) { createUser(input: $input) { username } }', {
    input: { email: person.email, name: `Test ${prefix}` },
  });
  if (created.errors) throw new Error(`createUser for ${person.username}: ${JSON.stringify(created.errors)}`);
  return person;
}

export async function postJob(parent: Person, title = 'Saturday evening'): Promise<string> {
  const result = await graphql<{ createJob: { id: string } }>(parent.token, 'mutation($input: CreateJobInput!) { createJob(input: $input) { id } }', {
    input: { title, description: 'Two kids, dinner and bedtime', startsAt: '2026-12-05T18:00:00Z', hourlyRate: 22.5 },
  });
  if (!result.data?.createJob) throw new Error(`createJob: ${JSON.stringify(result.errors)}`);
  return result.data.createJob.id;
}

export async function apply(nanny: Person, jobId: string): Promise<GraphQLResponse> {
  return graphql(nanny.token, 'mutation($jobId: ID!) { applyToJob(jobId: $jobId) { status } }', { jobId });
}

export async function applicationsOf(parent: Person, jobId: string) {
  const result = await graphql<{ listJobApplications: { items: Array<{ nanny: string; status: string }> } }>(
    parent.token,
    'query($jobId: ID!) { listJobApplications(jobId: $jobId, limit: 100) { items { nanny status } } }',
    { jobId },
  );
  return result.data?.listJobApplications.items ?? [];
}

export const denied = (response: GraphQLResponse<unknown>) =>
  response.status === 401 || Boolean(response.errors?.some((error) => error.errorType === 'Unauthorized' || error.errorType === 'UnauthorizedException'));

/** The public API key (read-only profiles) the local AppSync gives the API. */
export async function publicApiKey(): Promise<string> {
  const key = (await local().graphQlApis()).find((api) => api.service === 'nanny-booking')?.apiKeys[0];
  if (!key) throw new Error('nanny-booking has no API key on the local cloud');
  return key;
}

export async function publicQuery<T>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
  const response = await fetch(testCloud().urls['nanny-booking.graphql'] ?? '', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': await publicApiKey() },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<GraphQLResponse<T>, 'status'>) };
}

/** A job the parent booked the nanny for, and (when asked) marked done. */
export async function bookedJob(parent: Person, nanny: Person, done = false): Promise<string> {
  const jobId = await postJob(parent, 'Booked job');
  await apply(nanny, jobId);
  const booked = await graphql(parent.token, 'mutation($j: ID!, $n: ID!) { bookNanny(jobId: $j, nanny: $n) { declining } }', { j: jobId, n: nanny.username });
  if (booked.errors) throw new Error(`bookNanny: ${JSON.stringify(booked.errors)}`);
  if (done) {
    const marked = await graphql(parent.token, 'mutation($j: ID!) { markJobDone(jobId: $j) { status } }', { j: jobId });
    if (marked.errors) throw new Error(`markJobDone: ${JSON.stringify(marked.errors)}`);
  }
  return jobId;
}
