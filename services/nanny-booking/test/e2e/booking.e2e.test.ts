// As parents and nannies use it, through GraphQL with real Cognito tokens: post, apply, book; the
// others are declined through the queue, and everyone gets the right email.
import { describe, expect, it } from '@jest/globals';
import * as given from '../steps/given';
import * as then from '../steps/then';
import { overGraphQL as when } from '../steps/when';

describe('nanny-booking end to end', () => {
  it('books one nanny, declines the others, and emails all three', async () => {
    const parent = await given.aMember('parent', 'parent');
    const nannies = await Promise.all([given.aMember('ann', 'nanny'), given.aMember('bea', 'nanny'), given.aMember('cat', 'nanny')]);
    const jobId = await given.aPostedJob(parent, 'Friday night sitting');

    const open = await when.asks<{ listOpenJobs: { items: Array<{ id: string }> } }>(nannies[0]?.token, '{ listOpenJobs(limit: 100) { items { id } } }');
    expect(open.data?.listOpenJobs.items.map((job) => job.id)).toContain(jobId);
    for (const nanny of nannies) expect((await when.appliesTo(nanny, jobId)).errors).toBeUndefined();
    expect((await when.appliesTo(nannies[0] as never, jobId)).errors?.[0]).toMatchObject({
      errorType: 'Conflict',
      message: expect.stringContaining('already applied'),
    });

    const [chosen, ...others] = nannies;
    if (!chosen) throw new Error('no nannies');
    const booked = await when.books(parent, jobId, chosen.username);
    expect(booked.errors).toBeUndefined();
    expect(booked.data?.bookNanny).toEqual({ job: { status: 'CLOSED' }, accepted: { nanny: chosen.username, status: 'ACCEPTED' }, declining: 2 });

    const statuses = await then.applicationsOnceSettled(parent, jobId, (items) => items.filter((item) => item.status === 'DECLINED').length === 2);
    expect(Object.fromEntries(statuses.map((item) => [item.nanny, item.status]))).toEqual({
      [chosen.username]: 'ACCEPTED',
      [others[0]?.username ?? '']: 'DECLINED',
      [others[1]?.username ?? '']: 'DECLINED',
    });

    expect((await then.emailsArrive(chosen.email)).map((email) => email.subject)).toEqual(['You are booked: Friday night sitting']);
    for (const nanny of others)
      expect((await then.emailsArrive(nanny.email)).map((email) => email.subject)).toEqual(['Your application was not chosen: Friday night sitting']);

    // Once the follow-ups have run (with any retries), nobody got an email twice.
    await then.followUpsHaveRun();
    for (const nanny of nannies) expect(await then.emailsTo(nanny.email)).toHaveLength(1);

    // A closed job takes no more applications and cannot be booked again.
    const late = await given.aMember('dee', 'nanny');
    expect((await when.appliesTo(late, jobId)).errors?.[0]).toMatchObject({ errorType: 'Conflict' });
    const again = await when.asks(parent.token, 'mutation($jobId: ID!, $nanny: ID!) { bookNanny(jobId: $jobId, nanny: $nanny) { declining } }', {
      jobId,
      nanny: others[0]?.username,
    });
    expect(again.errors?.[0]).toMatchObject({ errorType: 'Conflict', message: expect.stringContaining('not open') });
  });

  it('gives exactly one booking when two bookings of the same job race', async () => {
    const parent = await given.aMember('parent', 'parent');
    const [ann, bea] = await Promise.all([given.aMember('ann', 'nanny'), given.aMember('bea', 'nanny')]);
    const jobId = await given.aPostedJob(parent);
    await when.appliesTo(ann as never, jobId);
    await when.appliesTo(bea as never, jobId);
    const book = (nanny: string) =>
      when.asks(parent.token, 'mutation($jobId: ID!, $nanny: ID!) { bookNanny(jobId: $jobId, nanny: $nanny) { declining } }', { jobId, nanny });
    const results = await Promise.all([book(ann?.username ?? ''), book(bea?.username ?? '')]);
    expect(results.filter((result) => !result.errors)).toHaveLength(1);
    expect(results.filter((result) => result.errors?.[0]?.errorType === 'Conflict')).toHaveLength(1);
    const items = await then.applicationsOnceSettled(parent, jobId, (found) => found.every((item) => item.status !== 'PENDING'));
    expect(items.filter((item) => item.status === 'ACCEPTED')).toHaveLength(1);
    expect(items.filter((item) => item.status === 'DECLINED')).toHaveLength(1);
  });

  it('paginates with limit and nextToken', async () => {
    const parent = await given.aMember('parent', 'parent');
    for (let index = 0; index < 3; index += 1) await given.aPostedJob(parent, `Job ${index}`);
    const first = await when.asks<{ listMyJobs: { items: unknown[]; nextToken: string | null } }>(
      parent.token,
      '{ listMyJobs(limit: 2) { items { id } nextToken } }',
    );
    expect(first.data?.listMyJobs.items).toHaveLength(2);
    const second = await when.asks<{ listMyJobs: { items: unknown[]; nextToken: string | null } }>(
      parent.token,
      'query($next: String) { listMyJobs(limit: 2, nextToken: $next) { items { id } nextToken } }',
      { next: first.data?.listMyJobs.nextToken },
    );
    expect(second.data?.listMyJobs.items).toHaveLength(1);
    const bad = await when.asks(parent.token, '{ listMyJobs(limit: 500) { items { id } } }');
    expect(bad.errors?.[0]).toMatchObject({ errorType: 'ValidationError', message: expect.stringContaining('limit is 1 to 100') });
  });
});
