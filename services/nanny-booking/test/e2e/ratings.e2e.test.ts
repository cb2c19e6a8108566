// After a job: both sides rate each other once; profiles show the average publicly. Jobs near a point.
import { describe, expect, it } from '@jest/globals';
import * as given from '../steps/given';
import { overGraphQL as when } from '../steps/when';

const rate = (token: string, jobId: string, rating: number) =>
  when.asks<{ rate: { subject: string; rating: number } }>(
    token,
    'mutation($j: ID!, $r: Int!) { rate(input: {jobId: $j, rating: $r, comment: "<b>great</b>"}) { subject rating } }',
    {
      j: jobId,
      r: rating,
    },
  );

describe('ratings and reviews', () => {
  it('lets the parent and the nanny rate each other once after the job is done, and shows the average publicly', async () => {
    const parent = await given.aMember('parent', 'parent');
    const nanny = await given.aMember('nanny', 'nanny');
    const notDone = await given.aBookedJob(parent, nanny);
    expect((await rate(parent.token, notDone, 5)).errors?.[0]).toMatchObject({ errorType: 'Conflict', message: 'A job can be rated once it is done' });

    const first = await given.aBookedJob(parent, nanny, true);
    const second = await given.aBookedJob(parent, nanny, true);
    expect((await rate(parent.token, first, 5)).data?.rate).toEqual({ subject: nanny.username, rating: 5 });
    expect((await rate(nanny.token, first, 4)).data?.rate).toEqual({ subject: parent.username, rating: 4 });
    expect((await rate(parent.token, first, 1)).errors?.[0]).toMatchObject({ errorType: 'Conflict', message: `You already rated job ${first}` });
    expect((await rate(parent.token, second, 4)).errors).toBeUndefined();
    expect((await rate(parent.token, second, 9)).errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      message: expect.stringContaining('a rating is 1 to 5'),
    });

    const profile = await when.asksWithTheApiKey<{
      profile: { name: string; ratingAverage: number; ratingCount: number; reviews: Array<{ rating: number; comment: string }> };
    }>('query($u: ID!) { profile(username: $u) { name ratingAverage ratingCount reviews { rating comment } } }', { u: nanny.username });
    expect(profile.status).toBe(200);
    expect(profile.data?.profile).toMatchObject({ ratingAverage: 4.5, ratingCount: 2 });
    expect(profile.data?.profile.reviews.map((review) => review.rating).sort()).toEqual([4, 5]);

    // The API key reads profiles only.
    const secret = await when.asksWithTheApiKey('query($u: ID!) { getUser(username: $u) { email } }', { u: nanny.username });
    expect(secret.errors?.[0]).toMatchObject({ errorType: 'Unauthorized' });
  });
});

describe('jobs near a point', () => {
  it('finds open jobs within the radius and leaves out far and booked ones', async () => {
    const parent = await given.aMember('parent', 'parent');
    const nanny = await given.aMember('nanny', 'nanny');
    const at = (title: string, lat: number, lon: number) =>
      when
        .asks<{ createJob: { id: string } }>(parent.token, 'mutation($input: CreateJobInput!) { createJob(input: $input) { id } }', {
          input: { title, description: '', startsAt: '2026-12-07T10:00:00Z', hourlyRate: 20, location: { lat, lon } },
        })
        .then((result) => result.data?.createJob.id ?? '');
    const brooklyn = await at('Brooklyn', 40.6782, -73.9442);
    const hoboken = await at('Hoboken', 40.744, -74.0324);
    const boston = await at('Boston', 42.3601, -71.0589);
    const unplaced = await given.aPostedJob(parent, 'No location');
    const near = await when.asks<{ jobsNear: { items: Array<{ id: string }> } }>(
      nanny.token,
      '{ jobsNear(lat: 40.7128, lon: -74.006, radiusKm: 12, limit: 100) { items { id } } }',
    );
    const ids = near.data?.jobsNear.items.map((job) => job.id) ?? [];
    expect(ids).toEqual(expect.arrayContaining([brooklyn, hoboken]));
    expect(ids).not.toContain(boston);
    expect(ids).not.toContain(unplaced);
    const firstPage = await when.asks<{ jobsNear: { items: Array<{ id: string }>; nextToken: string | null } }>(
      nanny.token,
      '{ jobsNear(lat: 40.7128, lon: -74.006, radiusKm: 12, limit: 1) { items { id } nextToken } }',
    );
    expect(firstPage.data?.jobsNear.items).toHaveLength(1);
    const secondPage = await when.asks<{ jobsNear: { items: Array<{ id: string }> } }>(
      nanny.token,
      'query($t: String) { jobsNear(lat: 40.7128, lon: -74.006, radiusKm: 12, limit: 100, nextToken: $t) { items { id } } }',
      { t: firstPage.data?.jobsNear.nextToken },
    );
    expect(secondPage.data?.jobsNear.items.map((job) => job.id)).not.toContain(firstPage.data?.jobsNear.items[0]?.id);
    expect((secondPage.data?.jobsNear.items.length ?? 0) + 1).toBe(ids.length);
    const tooWide = await when.asks(nanny.token, '{ jobsNear(lat: 40.7, lon: -74, radiusKm: 50) { items { id } } }');
    expect(tooWide.errors?.[0]).toMatchObject({ errorType: 'ValidationError', message: expect.stringContaining('at most 19') });
  });
});

describe('updateUser', () => {
  it('changes name and email, keeping emails unique', async () => {
    const ann = await given.aMember('ann', 'nanny');
    const bea = await given.aMember('bea', 'nanny');
    const taken = await when.asks(ann.token, 'mutation($e: AWSEmail!) { updateUser(input: {email: $e}) { email } }', { e: bea.email });
    expect(taken.errors?.[0]).toMatchObject({ errorType: 'Conflict', message: 'An account with this email already exists' });
    const moved = await when.asks<{ updateUser: { email: string; name: string } }>(
      ann.token,
      'mutation($e: AWSEmail!) { updateUser(input: {email: $e, name: "Ann B"}) { email name } }',
      {
        e: `new-${ann.email}`,
      },
    );
    expect(moved.data?.updateUser).toEqual({ email: `new-${ann.email}`, name: 'Ann B' });
    // The old email is free again.
    const newcomer = await given.aMember('cat', 'nanny');
    const reuse = await when.asks(newcomer.token, 'mutation($e: AWSEmail!) { updateUser(input: {email: $e}) { email } }', { e: ann.email });
    expect(reuse.errors).toBeUndefined();
  });
});
