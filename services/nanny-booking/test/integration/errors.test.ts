// What a client is told when a request goes wrong: its own mistakes with an errorType and a message
// meant for it; the service's faults as InternalFailure, DynamoDB's words in the log line only.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { injectFault, pendingFaults } from '@zero-idle/local-cloud/testing';
import * as given from '../steps/given';
import { overGraphQL as when } from '../steps/when';
import type { Person } from '../support/people';

let parent: Person;
let nanny: Person;

beforeAll(async () => {
  [parent, nanny] = await Promise.all([given.aMember('errparent', 'parent'), given.aMember('errnanny', 'nanny')]);
  await given.aPostedJob(parent, 'Error job one');
  await given.aPostedJob(parent, 'Error job two');
});

/** No DynamoDB message, key name or limit in what the client reads. */
const leaksNothing = (response: unknown) =>
  expect(JSON.stringify(response)).not.toMatch(/primary key|TransactionCanceled|range key|ValidationException|2048 bytes|gsi\dpk/);

describe('errors a client reads', () => {
  it('refuses an id longer than any key, before DynamoDB sees it', async () => {
    const response = await when.asks(nanny.token, 'query($u: ID!) { getUser(username: $u) { username } }', { u: 'x'.repeat(3_000) });
    expect(response.errors?.[0]).toMatchObject({ errorType: 'ValidationError', message: expect.stringContaining('at most 128 characters') });
    leaksNothing(response);
  });

  it('refuses an email address longer than email allows', async () => {
    const response = await when.asks(parent.token, 'mutation($e: AWSEmail!) { updateUser(input: {email: $e}) { email } }', {
      e: `${'a'.repeat(3_000)}@example.com`,
    });
    expect(response.errors?.[0]).toMatchObject({ errorType: 'ValidationError', message: expect.stringContaining('at most 254 characters') });
    leaksNothing(response);
  });

  it("refuses another list's nextToken as a bad argument", async () => {
    const open = await when.asks<{ listOpenJobs: { nextToken?: string } }>(nanny.token, '{ listOpenJobs(limit: 1) { nextToken } }');
    const token = open.data?.listOpenJobs.nextToken;
    expect(token).toEqual(expect.any(String));
    const response = await when.asks(parent.token, 'query($t: String) { listMyJobs(limit: 1, nextToken: $t) { items { id } } }', { t: token });
    expect(response.errors?.[0]).toMatchObject({ errorType: 'ValidationError', message: 'nextToken is not one this API gave out' });
    leaksNothing(response);
  });

  it("answers a fault of DynamoDB as InternalFailure, without DynamoDB's message", async () => {
    await injectFault({
      service: 'dynamodb',
      action: 'GetItem',
      match: `USER#${parent.username}`,
      count: 1,
      status: 400,
      code: 'ValidationException',
      message: 'Hash primary key values must be under 2048 bytes',
    });
    const response = await when.asks(parent.token, '{ me { username } }');
    expect(await pendingFaults(`USER#${parent.username}`)).toEqual([]);
    expect(response.errors?.[0]).toMatchObject({ errorType: 'InternalFailure', message: expect.stringMatching(/^Internal error \(request [\w-]+\)$/) });
    leaksNothing(response);
  });
});
