// The activation pipeline on the local cloud: DynamoDB stream -> startActivation -> Step Functions ->
// sendActivationMail -> SES, and the handlers in process against the same emulators.
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { injectFault, pendingFaults } from '@zero-idle/local-cloud/testing';
import { MAIL_LEASE_MS } from '../../src/domain/activationMail';
import { newToken } from '../../src/domain/user';
import * as given from '../steps/given';
import * as then from '../steps/then';
import { handlersInProcess, inProcess, userInserted } from '../steps/when';
import { db, store, TABLE } from '../support/users';

let when: ReturnType<typeof inProcess>;

beforeAll(async () => {
  when = inProcess(await handlersInProcess());
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

describe('activation mail', () => {
  it('sends exactly one email for a new user and marks it MAIL_SENT', async () => {
    const user = await given.aRegisteredUser();
    const emails = await then.emailsArrive(user.email);
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ from: 'no-reply@zero-idle.example.com', subject: `Activate your account, ${user.name}` });
    const { execution } = await then.finishedExecution(then.executionArn(user.username));
    expect(execution.status).toBe('SUCCEEDED');
    expect(await then.theUser(user.username)).toMatchObject({ status: 'MAIL_SENT', mailMessageId: emails[0]?.messageId });
  });

  it('starts nothing new when the same stream record is delivered again', async () => {
    const user = await given.aRegisteredUser();
    const record = userInserted(user, '900000000000000000001');
    const results = await Promise.all([when.theseRecordsArrive([record]), when.theseRecordsArrive([record])]);
    expect(results).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    await then.finishedExecution(then.executionArn(user.username));
    expect(await when.theseRecordsArrive([record])).toEqual({ batchItemFailures: [] });
    await then.everythingHasRunFor(user.username);
    expect(await then.emailsTo(user.email)).toHaveLength(1);
    expect(await then.executionsOf(user.username)).toHaveLength(1);
  });

  it('handles every record of a batch: 20 users inserted at once get 20 emails', async () => {
    const users = Array.from({ length: 20 }, () => given.aNewUser());
    const now = Date.now();
    await db.send(
      new BatchWriteCommand({
        RequestItems: {
          [TABLE]: users.map((user) => ({
            PutRequest: {
              Item: {
                pk: `USER#${user.username}`,
                type: 'USER',
                ...user,
                status: 'NONE',
                tokenVersion: 1,
                ...newToken(now, 48),
                createdAt: new Date(now).toISOString(),
                lastMailRequestedAt: now,
              },
            },
          })),
        },
      }),
    );
    const counts = await Promise.all(users.map(async (user) => (await then.emailsArrive(user.email, 1, 20_000)).length));
    expect(counts).toEqual(users.map(() => 1));
  });

  it('reports only the failed record of a batch, so Lambda retries from it', async () => {
    const user = await given.aRegisteredUser();
    await then.finishedExecution(then.executionArn(user.username));
    const result = await when.theseRecordsArrive([
      userInserted(user, '900000000000000000010'),
      { eventName: 'INSERT', dynamodb: { SequenceNumber: '900000000000000000011', NewImage: {} } },
    ]);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '900000000000000000011' }] });
  });

  it('retries the stream record whose execution could not start, so its email still goes out', async () => {
    const { username, email } = given.aNewUser();
    // StartExecution fails for this user on every attempt the SDK makes, once: startActivation reports
    // the record in batchItemFailures and the stream mapping delivers it again.
    await injectFault({
      service: 'states',
      action: 'StartExecution',
      match: username,
      count: 3,
      status: 500,
      code: 'InternalFailure',
      message: 'Step Functions hiccup',
    });
    const now = Date.now();
    await store.register({ username, email, name: 'Retried record' }, newToken(now, 48), now);
    expect(await then.emailsArrive(email, 1, 20_000)).toHaveLength(1);
    expect(await pendingFaults(username)).toEqual([]);
    expect(await then.executionsOf(username)).toHaveLength(1);
  });

  it('retries a failing send with backoff and sends one email once SES recovers', async () => {
    const { username, email } = given.aNewUser();
    // SES fails twice for this address; the function makes one attempt, Step Functions retries.
    await injectFault({ service: 'ses', action: 'SendEmail', match: email, count: 2, status: 503, code: 'ServiceUnavailable', message: 'SES is down' });
    const now = Date.now();
    await store.register({ username, email, name: 'Retry' }, newToken(now, 48), now);
    const { execution, events } = await then.finishedExecution(then.executionArn(username));
    expect(execution.status).toBe('SUCCEEDED');
    // The lambda:invoke integration's history, as AWS writes it: each attempt scheduled, started, then failed or succeeded.
    const tasks = events.filter((event) => event.type?.startsWith('Task') && !event.type.startsWith('TaskState'));
    expect(tasks.filter((event) => event.type === 'TaskFailed').map((event) => event.taskFailedEventDetails?.error)).toEqual(['MailNotSent', 'MailNotSent']);
    expect(tasks.filter((event) => event.type === 'TaskScheduled')).toHaveLength(4);
    expect(tasks.filter((event) => event.type === 'TaskSucceeded')).toHaveLength(2);
    expect(await then.emailsTo(email)).toHaveLength(1);
    expect(await then.theUser(username)).toMatchObject({ status: 'MAIL_SENT' });
  });

  it('records a send SES refuses for good where a person can see it', async () => {
    const { username, email } = given.aNewUser();
    await injectFault({
      service: 'ses',
      action: 'SendEmail',
      match: email,
      count: 1,
      status: 400,
      code: 'MessageRejected',
      message: 'Email address is not verified',
    });
    const now = Date.now();
    await store.register({ username, email, name: 'Rejected' }, newToken(now, 48), now);
    const { execution } = await then.finishedExecution(then.executionArn(username));
    expect(execution).toMatchObject({ status: 'FAILED', error: 'ActivationMailFailed' });
    expect(await then.theUser(username)).toMatchObject({
      status: 'NONE',
      activationFailure: { error: 'MailRejected', cause: expect.stringContaining('Email address is not verified'), tokenVersion: 1 },
    });
    expect(await then.emailsTo(email)).toHaveLength(0);
  });

  it('sends at most one email per token when executions race', async () => {
    const user = await given.aRegisteredUser();
    await then.emailsArrive(user.email);
    // A new token version (as a resend makes it), then ten racing senders for it: one sends, the others
    // find the claim held and fail with MailInProgress, which the state machine retries past the lease.
    await store.renewToken(user.username, newToken(Date.now(), 48), Date.now());
    const settled = await Promise.allSettled(Array.from({ length: 10 }, () => when.theMailTaskRuns(user.username, 2)));
    const results = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value as { sent: boolean }] : []));
    expect(settled.filter((result) => result.status === 'rejected').map((result) => (result as PromiseRejectedResult).reason.name)).toEqual(
      Array(9).fill('MailInProgress'),
    );
    expect(results.filter((result) => result.sent)).toHaveLength(1);
    await then.everythingHasRunFor(user.username);
    expect(await then.emailsTo(user.email)).toHaveLength(2);
  });

  it('sends the email on the retry when the invocation that claimed it died', async () => {
    const user = await given.aRegisteredUser();
    await then.emailsArrive(user.email);
    const renewed = await store.renewToken(user.username, newToken(Date.now(), 48), Date.now());
    // The dead invocation: claimed version 2 a lease ago, and never sent nor gave it back.
    const claimedAt = Date.now() - MAIL_LEASE_MS - 1_000;
    await given.theUserHas(user.username, { claimState: 'CLAIMED', claimToken: 'dead-invocation', claimedAt, leaseUntil: claimedAt + MAIL_LEASE_MS });
    await expect(when.theMailTaskRuns(user.username, renewed?.tokenVersion)).resolves.toMatchObject({ sent: true });
    await expect(when.theMailTaskRuns(user.username, renewed?.tokenVersion)).resolves.toMatchObject({ sent: false });
    expect(await then.emailsArrive(user.email, 2)).toHaveLength(2);
    expect(await then.theUser(user.username)).toMatchObject({ status: 'MAIL_SENT', tokenVersion: 2, claimState: 'DONE' });
  });

  it('lets one of many racing resend requests through per cooldown, for any username, round after round', async () => {
    const limits = { cooldownMs: 60_000, maxResends: 5 };
    for (let round = 0; round < 10; round += 1) {
      const username = given.aNewUser().username;
      const now = Date.now();
      const answers = await Promise.all(Array.from({ length: 10 }, () => store.throttle.take(username, now, limits)));
      expect(answers.filter((answer) => answer === 'allowed')).toHaveLength(1);
      expect(answers.filter((answer) => answer === 'too-soon')).toHaveLength(9);
    }
  });

  it('escapes the user name in the HTML body', async () => {
    const user = await given.aRegisteredUser('<script>alert(1)</script>');
    const [email] = await then.emailsArrive(user.email);
    expect(email?.body.html).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt;,');
    expect(email?.body.html).not.toContain('<script>');
  });
});
