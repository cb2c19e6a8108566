// What follows a booking, from the table's stream: the others' declines queued and the booked nanny
// emailed, each exactly once, through failures of SQS and SES that would otherwise lose them.

import { describe, expect, it } from '@jest/globals';
import { createDocumentClient } from '@zero-idle/core';
import type { FailedBatchRecord } from '@zero-idle/local-cloud';
import { failureReports, injectFault, pendingFaults, streamRecordsFrom, until } from '@zero-idle/local-cloud/testing';

import { bookingStore } from '../../src/store';
import * as given from '../steps/given';
import * as then from '../steps/then';
import { overGraphQL as when } from '../steps/when';
import type { Person } from '../support/people';

const db = createDocumentClient();
const store = bookingStore(db, 'nanny-booking-dev');
const emails = store.applications;
const BOOKED = (title: string) => `You are booked: ${title}`;
const NOT_CHOSEN = (title: string) => `Your application was not chosen: ${title}`;

/** A parent's job with three applicants; returns them after booking the first. */
async function bookFirstOfThree(title: string, beforeBooking: (jobId: string, nannies: Person[]) => Promise<void>) {
  const parent = await given.aMember('parent', 'parent');
  const nannies = await Promise.all([given.aMember('ann', 'nanny'), given.aMember('bea', 'nanny'), given.aMember('cat', 'nanny')]);
  const jobId = await given.aPostedJob(parent, title);
  for (const nanny of nannies) await when.appliesTo(nanny, jobId);
  await beforeBooking(jobId, nannies);
  const booked = await when.asks<{ bookNanny: { declining: number } }>(
    parent.token,
    'mutation($jobId: ID!, $nanny: ID!) { bookNanny(jobId: $jobId, nanny: $nanny) { declining } }',
    { jobId, nanny: nannies[0]?.username },
  );
  expect(booked.errors).toBeUndefined();
  expect(booked.data?.bookNanny.declining).toBe(2);
  const statuses = await until(
    () => then.applicationsOf(parent, jobId),
    (items) => items.filter((item) => item.status === 'DECLINED').length === 2,
    30_000,
  );
  return { jobId, nannies, statuses };
}

describe('afterBooking', () => {
  it('queues the declines again after SendMessageBatch failed: nobody stays PENDING', async () => {
    const title = 'Retry the queue';
    const { jobId, nannies, statuses } = await bookFirstOfThree(title, async (jobId) => {
      // Three 500s use up the SDK's three attempts of one call: the stream record fails and comes back.
      await injectFault({ service: 'sqs', action: 'SendMessageBatch', match: jobId, count: 3, status: 500, code: 'InternalError', message: 'SQS hiccup' });
    });
    expect(statuses.map((item) => item.status).sort()).toEqual(['ACCEPTED', 'DECLINED', 'DECLINED']);
    expect(await pendingFaults(jobId)).toEqual([]);
    const [chosen, ...others] = nannies;
    expect((await then.emailsArrive(chosen?.email ?? '')).map((email) => email.subject)).toEqual([BOOKED(title)]);
    for (const nanny of others) expect((await then.emailsArrive(nanny.email)).map((email) => email.subject)).toEqual([NOT_CHOSEN(title)]);
  }, 45_000);

  it("sends the booked nanny's email on the record's retry after SES refused it, once", async () => {
    const title = 'Retry the booked email';
    const { nannies } = await bookFirstOfThree(title, async (_jobId, applicants) => {
      await injectFault({
        service: 'ses',
        action: 'SendEmail',
        match: applicants[0]?.email,
        count: 1,
        status: 400,
        code: 'MessageRejected',
        message: 'Not now',
      });
    });
    const chosen = nannies[0];
    expect((await then.emailsArrive(chosen?.email ?? '', 1, 20_000)).map((email) => email.subject)).toEqual([BOOKED(title)]);
    expect(await pendingFaults(chosen?.email ?? '')).toEqual([]);
    // Nothing more comes: the claim says SENT.
    await then.followUpsHaveRun();
    expect(await then.emailsTo(chosen?.email ?? '')).toHaveLength(1);
  }, 45_000);

  it("sends a declined nanny's email on the message's next receive after SES refused it, once", async () => {
    const title = 'Retry the decline email';
    const { nannies } = await bookFirstOfThree(title, async (_jobId, applicants) => {
      await injectFault({
        service: 'ses',
        action: 'SendEmail',
        match: applicants[1]?.email,
        count: 1,
        status: 400,
        code: 'MessageRejected',
        message: 'Not now',
      });
    });
    const refused = nannies[1];
    // The decline stuck the first time; the email comes with the redelivery (visibility timeout 6 s).
    expect((await then.emailsArrive(refused?.email ?? '', 1, 20_000)).map((email) => email.subject)).toEqual([NOT_CHOSEN(title)]);
    await then.followUpsHaveRun();
    expect(await then.emailsTo(refused?.email ?? '')).toHaveLength(1);
    expect(await then.emailsTo(nannies[2]?.email ?? '')).toHaveLength(1);
  }, 45_000);
});

describe('afterBooking out of retries', () => {
  it('reports the batch to the failure queue after six attempts, pointing at a record a replay can read', async () => {
    const title = 'Never mailed';
    const { jobId, nannies } = await bookFirstOfThree(title, async (_jobId, applicants) => {
      // Refused on every attempt: the first and the 5 retries (maximumRetryAttempts: 5).
      await injectFault({ service: 'ses', action: 'SendEmail', match: applicants[0]?.email, count: 6, status: 400, code: 'MessageRejected', message: 'Never' });
    });
    const reports = await failureReports<FailedBatchRecord>('nanny-booking-dev-after-booking-failures');
    expect(reports).toHaveLength(1);
    const [report] = reports;
    expect(report?.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 6 });
    expect(report?.requestContext.functionArn).toMatch(/:function:nanny-booking-dev-afterBooking$/);
    expect(report?.DDBStreamBatchInfo).toMatchObject({ batchSize: 1, streamArn: expect.stringContaining('table/nanny-booking-dev/stream/') });
    const info = report?.DDBStreamBatchInfo;
    const [record] = await streamRecordsFrom(info?.streamArn ?? '', info?.shardId ?? '', info?.startSequenceNumber ?? '', 1);
    expect(record?.dynamodb.NewImage?.id).toEqual({ S: jobId });
    expect(await pendingFaults(nannies[0]?.email ?? '')).toEqual([]);
    // The declines were queued on the first attempt; only the booked nanny's email is missing.
    expect(await then.emailsTo(nannies[0]?.email ?? '')).toHaveLength(0);
    for (const nanny of nannies.slice(1)) expect(await then.emailsArrive(nanny.email)).toHaveLength(1);
  }, 60_000);
});

describe('declineApplications marking emails sent', () => {
  it("marks each email alone when the batch's SENT transaction fails, and sends none twice", async () => {
    const title = 'Mark them one by one';
    const { jobId, nannies } = await bookFirstOfThree(title, async (jobId) => {
      await injectFault({
        service: 'dynamodb',
        action: 'TransactWriteItems',
        caller: 'nanny-booking-dev-declineApplications',
        match: jobId,
        count: 1,
        status: 400,
        code: 'TransactionCanceledException',
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [None]',
      });
    });
    const others = nannies.slice(1);
    for (const nanny of others) expect((await then.emailsArrive(nanny.email)).map((email) => email.subject)).toEqual([NOT_CHOSEN(title)]);
    const marks = await until(
      async () => (await store.applications.ofJob(jobId, { limit: 10 })).items.map((item) => (item as { mail?: string }).mail),
      (mail) => mail.every((mark) => mark === 'SENT'),
    );
    expect(marks).toEqual(['SENT', 'SENT', 'SENT']);
    expect(await pendingFaults(jobId)).toEqual([]);
    await then.followUpsHaveRun();
    for (const nanny of others) expect(await then.emailsTo(nanny.email)).toHaveLength(1);
  }, 45_000);
});

describe('the applicant email claim', () => {
  it('lets exactly one of ten racing senders claim it, and nobody once it is sent', async () => {
    const parent = await given.aMember('parent', 'parent');
    const nanny = await given.aMember('ann', 'nanny');
    const jobId = await given.aPostedJob(parent, 'Claim race');
    await when.appliesTo(nanny, jobId);
    const now = Date.now();
    const claims = await Promise.all(Array.from({ length: 10 }, () => emails.claimEmail(jobId, nanny.username, now, 60_000)));
    expect(claims.filter((claim) => claim === 'claimed')).toHaveLength(1);
    expect(claims.filter((claim) => claim === 'sending')).toHaveLength(9);
    // A claim older than the stale limit is taken over (its sender died); a failed send gives it back.
    expect(await emails.claimEmail(jobId, nanny.username, now + 61_000, 60_000)).toBe('claimed');
    await emails.releaseEmail(jobId, nanny.username);
    expect(await emails.claimEmail(jobId, nanny.username, now, 60_000)).toBe('claimed');
    await emails.markEmailsSent([{ jobId, nanny: nanny.username }], now);
    expect(await emails.claimEmail(jobId, nanny.username, now + 3_600_000, 60_000)).toBe('sent');
  });

  it('refuses a claim for an application that does not exist', async () => {
    await expect(emails.claimEmail('no-such-job', 'nobody', Date.now(), 60_000)).rejects.toThrow('No application of nobody for job no-such-job');
  });
});
