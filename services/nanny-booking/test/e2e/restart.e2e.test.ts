// A booking's declines run after the booking answers (stream -> afterBooking -> SQS -> declines). The
// local cloud is killed (-9) while they run, then started again with --persist on the same folder, as
// AWS would have carried on: every application ends ACCEPTED or DECLINED, none is left PENDING, and
// each nanny is told (twice at most, for the emails in flight at the kill: see below).
import { describe, expect, it } from '@jest/globals';
import { type ChildCloud, restartableCloud } from '@zero-idle/local-cloud/child-cloud';
import { until } from '@zero-idle/local-cloud/testing';
import * as given from '../steps/given';
import * as then from '../steps/then';
import * as when from '../steps/when';

const APPLICANTS = 60;
const PORT_BASE = 27566;

describe('a booking when the local cloud is killed mid-way', () => {
  it('declines every other application once, after a kill -9 and a --persist restart', async () => {
    const { start } = restartableCloud({ service: 'nanny-booking', portBase: PORT_BASE });
    let cloud: ChildCloud | undefined = await start();
    try {
      const parent = await given.aMember('parent', 'parent');
      const nannies = await Promise.all(Array.from({ length: APPLICANTS }, (_, index) => given.aMember(`nanny${index}x`, 'nanny')));
      const jobId = await given.aPostedJob(parent);
      for (const nanny of nannies) expect((await when.overGraphQL.appliesTo(nanny, jobId)).errors).toBeUndefined();
      const [chosen] = nannies;
      const booked = await when.overGraphQL.books(parent, jobId, chosen?.username ?? '');
      expect(booked.data?.bookNanny.declining).toBe(APPLICANTS - 1);

      // Killed once the first declines are done, with others still to come.
      const atKill = await until(
        () => then.applicationsOf(parent, jobId),
        (items) => items.some((item) => item.status === 'DECLINED'),
      );
      await cloud.kill9();
      cloud = undefined;
      const pendingAtKill = atKill.filter((item) => item.status === 'PENDING').length;
      expect(pendingAtKill).toBeGreaterThan(0);

      cloud = await start();
      // In-flight messages come back after the queue's visibility timeout; a claimed email after its lease.
      const settled = await until(
        () => then.applicationsOf(parent, jobId),
        (items) => items.length === APPLICANTS && items.every((item) => item.status !== 'PENDING'),
        150_000,
      );
      expect(settled.filter((item) => item.status === 'ACCEPTED').map((item) => item.nanny)).toEqual([chosen?.username]);
      expect(settled.filter((item) => item.status === 'DECLINED')).toHaveLength(APPLICANTS - 1);
      await then.followUpsHaveRun(90_000);
      // The inbox is kept too: what was sent before the kill is there, and everyone was told. The
      // kill stops invocations mid-way (AWS would have finished them): an email SES took whose claim
      // was not yet marked SENT is sent again once its lease ends, so a batch in flight (10 messages,
      // at most two batches at once here) may be told twice; nobody more than that.
      const told = (await Promise.all(nannies.map((nanny) => then.emailsTo(nanny.email)))).map((emails) => emails.length);
      expect(told.filter((count) => count < 1 || count > 2)).toEqual([]);
      expect(told.filter((count) => count === 2).length).toBeLessThanOrEqual(20);
    } finally {
      await cloud?.stop();
    }
  }, 300_000);
});
