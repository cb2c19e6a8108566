// The resolvers through the router, as AppSync calls them, over the in-memory twin of the store:
// declared access, argument schemas, what of a user each field shows, and the errors clients read.
import { describe, expect, it } from '@jest/globals';
import { Forbidden } from '../../src/domain/errors';
import type { Role } from '../../src/domain/model';
import { errorForClient } from '../../src/graphql/errors';
import { resolvers } from '../../src/graphql/resolvers';
import { graphqlRouter } from '../../src/graphql/router';
import { memoryStore } from '../support/memoryStore';

function marketplace() {
  const store = memoryStore();
  let ids = 0;
  const route = graphqlRouter(resolvers, { store, clock: { now: () => new Date('2026-12-02T10:00:00Z'), newId: () => `job${++ids}` } });
  const call = (field: string, username: string | null, args: Record<string, unknown> = {}, groups?: string[]) => {
    const [parentTypeName = '', fieldName = ''] = field.split('.');
    const identity = username === null ? null : { username, groups: groups ?? [username.replace(/\d+$/, '')] };
    return route({ arguments: args, identity, info: { parentTypeName, fieldName } });
  };
  const join = (username: string, role: Role) => call('Mutation.createUser', username, { input: { email: `${username}@example.com`, name: username } }, [role]);
  return { store, call, join };
}

/** parent1 booked nanny1; nanny2 applied and was declined; parent2 and nanny3 are strangers; admin1 runs it. */
async function withBooking() {
  const m = marketplace();
  for (const [name, role] of [
    ['parent1', 'parent'],
    ['parent2', 'parent'],
    ['nanny1', 'nanny'],
    ['nanny2', 'nanny'],
    ['nanny3', 'nanny'],
    ['admin1', 'admin'],
  ] as const) {
    await m.join(name, role);
  }
  const job = (await m.call('Mutation.createJob', 'parent1', {
    input: { title: 'Evening', description: '', startsAt: '2026-12-05T18:00:00Z', hourlyRate: 20 },
  })) as { id: string };
  await m.call('Mutation.applyToJob', 'nanny1', { jobId: job.id });
  await m.call('Mutation.applyToJob', 'nanny2', { jobId: job.id });
  const booking = await m.call('Mutation.bookNanny', 'parent1', { jobId: job.id, nanny: 'nanny1' });
  return { ...m, job, booking };
}

describe('getUser: who reads an account (email and status)', () => {
  const cells: Array<[viewer: string, user: string, readable: boolean]> = [
    ['nanny1', 'nanny1', true], // the user
    ['admin1', 'parent1', true], // an admin
    ['parent1', 'nanny1', true], // the parent who booked the nanny
    ['nanny1', 'parent1', true], // the nanny booked by the parent
    ['parent1', 'nanny2', false], // applied, not booked
    ['nanny2', 'parent1', false],
    ['parent2', 'nanny1', false], // strangers
    ['nanny3', 'parent1', false],
    ['parent2', 'parent1', false], // another parent
    ['nanny3', 'nanny1', false], // another nanny
  ];
  it.each(cells)('%s reads %s: %s', async (viewer, user, readable) => {
    const { call } = await withBooking();
    const read = call('Query.getUser', viewer, { username: user });
    if (readable) await expect(read).resolves.toMatchObject({ username: user, email: `${user}@example.com`, status: 'UNVERIFIED' });
    else
      await expect(read).rejects.toThrow(
        new Forbidden(`Only ${user}, an admin or the other party of a booking reads this account; profile(username) is public`),
      );
  });

  it('is null for nobody, and refused without a token', async () => {
    const { call } = await withBooking();
    await expect(call('Query.getUser', 'parent1', { username: 'nobody' })).resolves.toBeNull();
    await expect(call('Query.getUser', null, { username: 'parent1' })).rejects.toThrow('A Cognito user pool token is required');
  });

  it('shows the rating average, never the stored sum', async () => {
    const { call, store } = await withBooking();
    await store.users.setStatus('nanny1', 'VERIFIED');
    expect(await call('Query.me', 'nanny1')).toEqual(expect.not.objectContaining({ ratingSum: expect.anything() }));
    expect(await call('Query.me', 'nanny1')).toMatchObject({ ratingAverage: null, ratingCount: 0, status: 'VERIFIED' });
  });
});

describe('the public profile', () => {
  it('is read with the API key (no caller) and shows no email and no status', async () => {
    const { call } = await withBooking();
    const profile = await call('Query.profile', null, { username: 'nanny1' });
    expect(profile).toEqual({ username: 'nanny1', name: 'nanny1', role: 'nanny', ratingAverage: null, ratingCount: 0, reviews: [] });
  });
});

describe('declared access', () => {
  it('needs an active account for every field but me, createUser and profile', async () => {
    const { call, store } = await withBooking();
    await store.users.setStatus('parent1', 'DEACTIVATED');
    await expect(call('Query.listMyJobs', 'parent1')).rejects.toThrow('This account is deactivated');
    await expect(call('Query.me', 'parent1')).rejects.toThrow('This account is deactivated');
    await expect(call('Query.listMyJobs', 'parent9')).rejects.toThrow('No profile for parent9: call createUser first');
    await expect(call('Query.me', 'parent9')).resolves.toBeNull();
  });

  it('checks the groups again when the function is called without AppSync', async () => {
    const { call } = await withBooking();
    await expect(call('Mutation.createJob', 'nanny1', { input: {} })).rejects.toThrow('Only parent accounts call createJob');
    await expect(call('Query.listUsers', 'parent1')).rejects.toThrow('Only admin accounts call listUsers');
    await expect(call('Query.listUsers', 'admin1')).resolves.toMatchObject({
      items: expect.arrayContaining([expect.objectContaining({ username: 'nanny1' })]),
    });
  });

  it('takes the caller from the token only', async () => {
    const { call } = await withBooking();
    // An argument naming someone else is not an argument of createJob: the job is the caller's.
    const job = await call('Mutation.createJob', 'parent2', {
      input: { title: 'Morning', description: '', startsAt: '2026-12-06T08:00:00Z', hourlyRate: 18, parent: 'parent1' },
    });
    expect(job).toMatchObject({ parent: 'parent2' });
  });
});

describe('booking', () => {
  it('books an applicant and counts the others to decline', async () => {
    const { booking } = await withBooking();
    expect(booking).toMatchObject({ job: { status: 'CLOSED', bookedNanny: 'nanny1' }, accepted: { nanny: 'nanny1', status: 'ACCEPTED' }, declining: 1 });
  });

  it('refuses a deactivated nanny, another parent and a missing job', async () => {
    const m = marketplace();
    for (const [name, role] of [
      ['parent1', 'parent'],
      ['parent2', 'parent'],
      ['nanny1', 'nanny'],
    ] as const)
      await m.join(name, role);
    const job = (await m.call('Mutation.createJob', 'parent1', {
      input: { title: 'Evening', description: '', startsAt: '2026-12-05T18:00:00Z', hourlyRate: 20 },
    })) as { id: string };
    await m.call('Mutation.applyToJob', 'nanny1', { jobId: job.id });
    await m.store.users.setStatus('nanny1', 'DEACTIVATED');
    await expect(m.call('Mutation.bookNanny', 'parent1', { jobId: job.id, nanny: 'nanny1' })).rejects.toThrow(
      "nanny1's account is deactivated: they cannot be booked",
    );
    await expect(m.call('Mutation.bookNanny', 'parent2', { jobId: job.id, nanny: 'nanny1' })).rejects.toThrow(
      'Only the parent who posted the job books for it',
    );
    await expect(m.call('Mutation.bookNanny', 'parent1', { jobId: 'nope', nanny: 'nanny1' })).rejects.toThrow('No job nope');
    expect((await m.store.jobs.get(job.id))?.status).toBe('OPEN');
  });
});

describe('errors as clients read them', () => {
  it("gives domain errors AppSync's errorType, and anything else InternalFailure with the details in the log only", async () => {
    const { call } = await withBooking();
    const logged: Array<Record<string, unknown>> = [];
    const log = (fields: Record<string, unknown>) => logged.push(fields);
    const seen = async (promise: Promise<unknown>) => {
      const error = errorForClient(
        await promise.then(
          () => undefined,
          (thrown: unknown) => thrown,
        ),
        'req-1',
        log,
      );
      return { errorType: error.name, message: error.message };
    };
    expect(await seen(call('Query.getUser', 'parent1', { username: 'x'.repeat(129) }))).toEqual({
      errorType: 'ValidationError',
      message: expect.stringContaining('at most 128 characters'),
    });
    expect(await seen(call('Query.getUser', 'parent2', { username: 'nanny1' }))).toMatchObject({ errorType: 'Unauthorized' });
    expect(await seen(call('Mutation.markJobDone', 'parent1', { jobId: 'nope' }))).toEqual({ errorType: 'NotFound', message: 'No job nope' });
    expect(await seen(call('Mutation.applyToJob', 'nanny3', { jobId: 'nope' }))).toMatchObject({ errorType: 'Conflict' });
    expect(logged).toEqual([]);
    expect(await seen(Promise.reject(new Error('Hash primary key values must be under 2048 bytes')))).toEqual({
      errorType: 'InternalFailure',
      message: 'Internal error (request req-1)',
    });
    expect(logged).toEqual([expect.objectContaining({ error: 'Error: Hash primary key values must be under 2048 bytes' })]);
  });
});
