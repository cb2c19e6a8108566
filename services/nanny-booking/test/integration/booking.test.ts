// The booking's steps with the graphql function in process (the event AppSync sends it, the caller
// from a real Cognito token), against the local cloud's table; the follow-ups then run deployed,
// from the table's stream, exactly as after a booking over GraphQL (test/e2e/booking.e2e.test.ts).
import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import * as given from '../steps/given';
import * as then from '../steps/then';
import { handlerInProcess, inProcess } from '../steps/when';

let when: ReturnType<typeof inProcess>;

beforeAll(async () => {
  when = inProcess(await handlerInProcess());
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

describe('booking, the graphql function in process', () => {
  it('books one nanny, declines the other, and emails both once', async () => {
    const parent = await given.aMember('parent', 'parent');
    const [ann, bea] = await Promise.all([given.aMember('ann', 'nanny'), given.aMember('bea', 'nanny')]);
    const jobId = await given.aPostedJob(parent, 'Sunday lunch');
    for (const nanny of [ann, bea]) expect((await when.appliesTo(nanny, jobId)).errors).toBeUndefined();
    expect((await when.appliesTo(ann, jobId)).errors?.[0]).toMatchObject({ errorType: 'Conflict', message: expect.stringContaining('already applied') });

    const booked = await when.books(parent, jobId, ann.username);
    expect(booked.data?.bookNanny).toMatchObject({ job: { status: 'CLOSED' }, accepted: { nanny: ann.username, status: 'ACCEPTED' }, declining: 1 });
    // Another parent's token cannot book this job.
    const stranger = await given.aMember('other', 'parent');
    expect((await when.books(stranger, jobId, bea.username)).errors?.[0]?.errorType).toBe('Unauthorized');

    const statuses = await then.applicationsOnceSettled(parent, jobId, (items) => items.every((item) => item.status !== 'PENDING'));
    expect(Object.fromEntries(statuses.map((item) => [item.nanny, item.status]))).toEqual({ [ann.username]: 'ACCEPTED', [bea.username]: 'DECLINED' });
    expect((await then.emailsArrive(ann.email)).map((email) => email.subject)).toEqual(['You are booked: Sunday lunch']);
    expect((await then.emailsArrive(bea.email)).map((email) => email.subject)).toEqual(['Your application was not chosen: Sunday lunch']);
    await then.followUpsHaveRun();
    for (const nanny of [ann, bea]) expect(await then.emailsTo(nanny.email)).toHaveLength(1);
  });
});
