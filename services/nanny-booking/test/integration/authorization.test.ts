// Every operation for every kind of caller: the answer must follow the token's groups and the
// account's status, never the arguments. AppSync's group rules are enforced by the local AppSync.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import * as given from '../steps/given';
import * as then from '../steps/then';
import { overGraphQL as when } from '../steps/when';
import type { Person } from '../support/people';

type Who = 'admin' | 'parent' | 'otherParent' | 'nanny' | 'otherNanny' | 'deactivated' | 'noToken' | 'forged';
const everyone: Who[] = ['admin', 'parent', 'otherParent', 'nanny', 'otherNanny', 'deactivated', 'noToken', 'forged'];
const people = {} as Record<Exclude<Who, 'noToken' | 'forged'>, Person>;
const tokens = {} as Record<Who, string | undefined>;
let ownerJob = '';
let applyJob = '';

/** The same claims, signed with a key that is not the pool's. */
async function forge(token: string): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: 'RS256', kid: decodeProtectedHeader(token).kid }).sign(privateKey);
}

beforeAll(async () => {
  [people.admin, people.parent, people.otherParent, people.nanny, people.otherNanny, people.deactivated] = await Promise.all([
    given.aMember('admin', 'admin'),
    given.aMember('parent', 'parent'),
    given.aMember('otherparent', 'parent'),
    given.aMember('nanny', 'nanny'),
    given.aMember('othernanny', 'nanny'),
    given.aMember('gone', 'nanny'),
  ]);
  for (const [who, person] of Object.entries(people)) tokens[who as Who] = person.token;
  tokens.noToken = undefined;
  tokens.forged = await forge(people.admin.token);
  const deactivated = await when.asks(people.admin.token, 'mutation($u: ID!) { setAccountStatus(username: $u, status: DEACTIVATED) { status } }', {
    u: people.deactivated.username,
  });
  expect(deactivated.errors).toBeUndefined();
  ownerJob = await given.aPostedJob(people.parent, 'Owner job');
  applyJob = await given.aPostedJob(people.parent, 'Apply job');
  await when.appliesTo(people.nanny, ownerJob);
});

interface Operation {
  allowed: Who[];
  call(who: Who): Promise<Awaited<ReturnType<typeof when.asks>>>;
}

const operations: Record<string, Operation> = {
  me: { allowed: ['admin', 'parent', 'otherParent', 'nanny', 'otherNanny'], call: (who) => when.asks(tokens[who], '{ me { username } }') },
  // An account (email, status) is the user's own, an admin's, or a booking party's: no parent has booked this nanny yet.
  getUser: {
    allowed: ['admin', 'nanny'],
    call: (who) => when.asks(tokens[who], 'query($u: ID!) { getUser(username: $u) { username } }', { u: people.nanny.username }),
  },
  listUsers: { allowed: ['admin'], call: (who) => when.asks(tokens[who], '{ listUsers(limit: 5) { items { username } } }') },
  setAccountStatus: {
    allowed: ['admin'],
    call: (who) =>
      when.asks(tokens[who], 'mutation($u: ID!) { setAccountStatus(username: $u, status: VERIFIED) { status } }', { u: people.otherNanny.username }),
  },
  createJob: {
    allowed: ['parent', 'otherParent'],
    call: (who) =>
      when.asks(tokens[who], 'mutation { createJob(input: {title: "Matrix job", description: "", startsAt: "2026-12-06T09:00:00Z", hourlyRate: 20}) { id } }'),
  },
  listMyJobs: { allowed: ['parent', 'otherParent'], call: (who) => when.asks(tokens[who], '{ listMyJobs { items { id } } }') },
  listJobApplications: {
    allowed: ['admin', 'parent'],
    call: (who) => when.asks(tokens[who], 'query($j: ID!) { listJobApplications(jobId: $j) { items { nanny } } }', { j: ownerJob }),
  },
  listOpenJobs: { allowed: ['admin', 'nanny', 'otherNanny'], call: (who) => when.asks(tokens[who], '{ listOpenJobs(limit: 5) { items { id } } }') },
  applyToJob: {
    allowed: ['nanny', 'otherNanny'],
    call: (who) => when.asks(tokens[who], 'mutation($j: ID!) { applyToJob(jobId: $j) { nanny status } }', { j: applyJob }),
  },
  listMyApplications: { allowed: ['nanny', 'otherNanny'], call: (who) => when.asks(tokens[who], '{ listMyApplications { items { jobId } } }') },
  updateUser: {
    allowed: ['admin', 'parent', 'otherParent', 'nanny', 'otherNanny'],
    call: (who) => when.asks(tokens[who], 'mutation { updateUser(input: {name: "Renamed"}) { name } }'),
  },
  jobsNear: {
    allowed: ['admin', 'nanny', 'otherNanny'],
    call: (who) => when.asks(tokens[who], '{ jobsNear(lat: 40.7, lon: -74.0, radiusKm: 5) { items { id } } }'),
  },
  profile: {
    allowed: ['admin', 'parent', 'otherParent', 'nanny', 'otherNanny', 'deactivated'],
    call: (who) => when.asks(tokens[who], 'query($u: ID!) { profile(username: $u) { name ratingCount } }', { u: people.nanny.username }),
  },
  markJobDone: {
    allowed: ['parent'],
    call: async (who) =>
      when.asks(tokens[who], 'mutation($j: ID!) { markJobDone(jobId: $j) { status } }', { j: await given.aBookedJob(people.parent, people.nanny) }),
  },
  rate: {
    allowed: ['parent', 'nanny'],
    call: async (who) =>
      when.asks(tokens[who], 'mutation($j: ID!) { rate(input: {jobId: $j, rating: 5, comment: "Lovely"}) { rating } }', {
        j: await given.aBookedJob(people.parent, people.nanny, true),
      }),
  },
  bookNanny: {
    allowed: ['parent'],
    // A fresh job each time, with the nanny applied, so only authorization decides.
    call: async (who) => {
      const job = await given.aPostedJob(people.parent, 'Booking job');
      await when.appliesTo(people.nanny, job);
      return when.asks(tokens[who], 'mutation($j: ID!, $n: ID!) { bookNanny(jobId: $j, nanny: $n) { declining } }', { j: job, n: people.nanny.username });
    },
  },
};

const cases = Object.entries(operations).flatMap(([name, operation]) => everyone.map((who) => [name, who, operation.allowed.includes(who)] as const));

describe('authorization matrix', () => {
  it.each(cases)('%s as %s: allowed %s', async (name, who, allowed) => {
    const response = await (operations[name] as Operation).call(who);
    if (allowed) {
      expect(response.errors).toBeUndefined();
      expect(response.status).toBe(200);
    } else {
      expect(then.wasDenied(response)).toBe(true);
    }
  });
});

describe('identity comes from the token', () => {
  it('records the applicant from the token, whatever the client sends', async () => {
    const job = await given.aPostedJob(people.parent, 'Identity job');
    const response = await when.asks<{ applyToJob: { nanny: string } }>(tokens.otherNanny, 'mutation($j: ID!) { applyToJob(jobId: $j) { nanny } }', { j: job });
    expect(response.data?.applyToJob.nanny).toBe(people.otherNanny.username);
    const spoofed = await when.asks(tokens.otherNanny, 'mutation($j: ID!) { applyToJob(jobId: $j, nanny: "someoneelse") { nanny } }', { j: job });
    expect(spoofed.errors?.[0]?.errorType).toBe('ValidationError');
  });

  it('takes the role from the Cognito group and refuses an account in no group', async () => {
    const stranger = await given.aSignedInPerson('stranger', []);
    const response = await when.asks(stranger.token, 'mutation { createUser(input: {email: "s@example.com", name: "S"}) { username } }');
    expect(response.errors?.[0]).toMatchObject({ errorType: 'Unauthorized', message: expect.stringContaining('none of the groups') });
  });

  it('keeps usernames and emails unique', async () => {
    const again = await when.asks(tokens.nanny, 'mutation($e: AWSEmail!) { createUser(input: {email: $e, name: "N"}) { username } }', { e: 'new@example.com' });
    expect(again.errors?.[0]).toMatchObject({ errorType: 'Conflict', message: expect.stringContaining('already has a profile') });
    const newcomer = await given.aSignedInPerson('newcomer', ['nanny']);
    const taken = await when.asks(newcomer.token, 'mutation($e: AWSEmail!) { createUser(input: {email: $e, name: "N"}) { username } }', {
      e: people.nanny.email,
    });
    expect(taken.errors?.[0]).toMatchObject({ errorType: 'Conflict', message: 'An account with this email already exists' });
  });

  it('rejects an expired-looking or tampered token with 401', async () => {
    const [header, payload, signature] = (tokens.admin ?? '').split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['admin', 'parent'] })).toString('base64url')}.${signature}`;
    expect((await when.asks(tampered, '{ me { username } }')).status).toBe(401);
  });
});

describe('accounts are private, and a deactivated nanny is never booked', () => {
  const account = (who: Person, username: string) =>
    when.asks(who.token, 'query($u: ID!) { getUser(username: $u) { username email status } }', { u: username });

  it('shows an account to the user, an admin and the other party of a booking, and to no one else', async () => {
    const [parent, nanny, otherParent, otherNanny] = await Promise.all([
      given.aMember('privparent', 'parent'),
      given.aMember('privnanny', 'nanny'),
      given.aMember('privother', 'parent'),
      given.aMember('privothern', 'nanny'),
    ]);
    await when.appliesTo(nanny, await given.aPostedJob(parent, 'Before booking'));
    // Applying is not a booking: the parent reads the public profile only.
    expect(then.wasDenied(await account(parent, nanny.username))).toBe(true);
    await given.aBookedJob(parent, nanny);
    const cells: Array<[Person, Person, boolean]> = [
      [nanny, nanny, true],
      [people.admin, nanny, true],
      [parent, nanny, true],
      [nanny, parent, true],
      [otherParent, nanny, false],
      [otherNanny, parent, false],
      [otherNanny, nanny, false],
      [otherParent, parent, false],
    ];
    for (const [viewer, user, readable] of cells) {
      const response = await account(viewer, user.username);
      if (readable)
        expect(response.data).toMatchObject({ getUser: { username: user.username, email: expect.stringContaining('@'), status: expect.any(String) } });
      else {
        expect(response.errors?.[0]).toMatchObject({ errorType: 'Unauthorized', message: expect.stringContaining('profile(username) is public') });
        expect(JSON.stringify(response)).not.toContain(user.email);
      }
    }
  });

  it('refuses to book a nanny deactivated after applying, keeps the job open, and emails nobody', async () => {
    const [parent, nanny] = await Promise.all([given.aMember('bookparent', 'parent'), given.aMember('booknanny', 'nanny')]);
    const job = await given.aPostedJob(parent, 'Deactivated applicant');
    await when.appliesTo(nanny, job);
    const off = await when.asks(people.admin.token, 'mutation($u: ID!) { setAccountStatus(username: $u, status: DEACTIVATED) { status } }', {
      u: nanny.username,
    });
    expect(off.errors).toBeUndefined();
    const booking = await when.asks(parent.token, 'mutation($j: ID!, $n: ID!) { bookNanny(jobId: $j, nanny: $n) { declining } }', {
      j: job,
      n: nanny.username,
    });
    expect(booking.errors?.[0]).toMatchObject({ errorType: 'Conflict', message: `${nanny.username}'s account is deactivated: they cannot be booked` });
    const mine = await when.asks(parent.token, '{ listMyJobs { items { id status } } }');
    expect((mine.data as { listMyJobs: { items: Array<{ id: string; status: string }> } }).listMyJobs.items.find((item) => item.id === job)?.status).toBe(
      'OPEN',
    );
    await then.followUpsHaveRun();
    // No booking email, nor a decline: only the sign-up mail Cognito sent, if any.
    expect((await then.emailsTo(nanny.email)).filter((email) => email.subject.includes('Deactivated applicant'))).toEqual([]);
  });
});

describe('what one request may cost (the API limits in appsync.yml)', () => {
  const aliases = (count: number) => `{ ${Array.from({ length: count }, (_, index) => `m${index}: me { username }`).join(' ')} }`;

  it('runs 10 resolvers of a request and answers the others ResolverExecutionLimitReached, for every caller', async () => {
    for (const who of ['admin', 'parent', 'nanny'] as const) {
      const response = await when.asks(tokens[who], aliases(1_000));
      const answered = Object.values(response.data ?? {}).filter((value) => value !== null);
      expect(answered).toHaveLength(10);
      expect(answered).toEqual(Array.from({ length: 10 }, () => ({ username: people[who].username })));
      expect(response.errors).toHaveLength(990);
      expect(new Set(response.errors?.map((error) => error.errorType))).toEqual(new Set(['ResolverExecutionLimitReached']));
    }
  });

  it("keeps a screen's few fields whole: 10 fields in one request all answer", async () => {
    const response = await when.asks(tokens.nanny, aliases(10));
    expect(response.errors).toBeUndefined();
    expect(Object.keys(response.data ?? {})).toHaveLength(10);
  });

  it('answers the deepest query the schema has (4 levels, the depth limit) whole', async () => {
    const deepest = await when.asks(tokens.nanny, '{ jobsNear(lat: 40.7, lon: -74.0, radiusKm: 5) { items { location { lat } } } }');
    expect(deepest.errors).toBeUndefined();
  });
});
