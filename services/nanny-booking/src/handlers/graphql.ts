import { randomUUID } from 'node:crypto';
import { createHandler, parse, type Schema } from '@zero-idle/core';
import * as z from 'zod/mini';
import { store } from '../dependencies';
import { cellsAround, distanceKm } from '../domain/geo';
import {
  accountReadableBy,
  type Caller,
  canSeeApplications,
  createJobInput,
  createUserInput,
  GraphQLError,
  id,
  type Job,
  nearArgs,
  pageArgs,
  rateInput,
  ratingAverage,
  ratingSubject,
  requireActive,
  roleOf,
  type User,
  updateUserInput,
} from '../domain/rules';

/** AppSync's direct Lambda resolver event (only what the resolvers read). */
const appSyncEvent = z.object({
  arguments: z._default(z.record(z.string(), z.unknown()), {}),
  identity: z.nullable(
    z.optional(
      z.object({
        username: z.string(),
        groups: z.optional(z.nullable(z.array(z.string()))),
        claims: z.optional(z.record(z.string(), z.unknown())),
      }),
    ),
  ),
  info: z.object({ parentTypeName: z.string(), fieldName: z.string() }),
});

function args<S extends Schema>(schema: S, value: unknown): z.infer<S> {
  const result = parse(schema, value);
  if (!result.ok) throw new GraphQLError('ValidationError', result.problems);
  return result.value;
}

type Resolver = (input: Record<string, unknown>, caller: Caller) => Promise<unknown>;

/** A user as the schema shows it: the rating average instead of the stored sum. */
function shown(user: User | undefined) {
  if (!user) return null;
  const { ratingSum: _sum, ...rest } = user;
  return { ...rest, ratingAverage: ratingAverage(user), ratingCount: user.ratingCount ?? 0 };
}

async function activeCaller(caller: Caller) {
  return requireActive(await store.getUser(caller.username), caller);
}

const PUBLIC = new Set(['Query.profile']);

const resolvers: Record<string, Resolver> = {
  'Query.me': async (_input, caller) => {
    const user = await store.getUser(caller.username);
    // Before createUser there is no profile yet (null); a deactivated account reads nothing, not even this.
    return user ? shown(requireActive(user, caller)) : null;
  },

  'Query.getUser': async (input, caller) => {
    const viewer = await activeCaller(caller);
    const user = await store.getUser(args(z.object({ username: id }), input).username);
    if (!user) return null;
    if (!(await accountReadableBy(viewer, user, (parent, nanny) => store.hasBooking(parent, nanny)))) {
      throw new GraphQLError('Unauthorized', `Only ${user.username}, an admin or the other party of a booking reads this account; profile(username) is public`);
    }
    return shown(user);
  },

  'Query.listUsers': async (input, caller) => {
    await activeCaller(caller);
    const { limit, nextToken } = args(pageArgs, input);
    const page = await store.listUsers(limit ?? 20, nextToken);
    return { ...page, items: page.items.map(shown) };
  },

  'Mutation.createUser': async (input, caller) => {
    const { email, name } = args(createUserInput, (input as { input?: unknown }).input);
    const role = roleOf(caller);
    return shown(await store.createUser({ username: caller.username, email, name, role, status: 'UNVERIFIED', createdAt: new Date().toISOString() }));
  },

  'Mutation.setAccountStatus': async (input, caller) => {
    await activeCaller(caller);
    const { username, status } = args(z.object({ username: id, status: z.enum(['UNVERIFIED', 'VERIFIED', 'DEACTIVATED']) }), input);
    return shown(await store.setAccountStatus(username, status));
  },

  'Mutation.updateUser': async (input, caller) => {
    const current = await activeCaller(caller);
    return shown(await store.updateUser(current, args(updateUserInput, (input as { input?: unknown }).input)));
  },

  'Query.profile': async (input) => {
    const user = await store.getUser(args(z.object({ username: id }), input).username);
    if (!user || user.status === 'DEACTIVATED') return null;
    const reviews = await store.reviewsOf(user.username, 20);
    return {
      username: user.username,
      name: user.name,
      role: user.role,
      ratingAverage: ratingAverage(user),
      ratingCount: user.ratingCount ?? 0,
      reviews: reviews.items,
    };
  },

  'Query.jobsNear': async (input, caller) => {
    await activeCaller(caller);
    const { lat, lon, radiusKm, limit, nextToken } = args(nearArgs, input);
    const offset = nextToken ? Number(Buffer.from(nextToken, 'base64url').toString()) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw new GraphQLError('ValidationError', 'nextToken is not one this API gave out');
    const found: Job[] = [];
    for (const cell of cellsAround(lat, lon)) found.push(...(await store.jobsInCell(cell, 100)).items);
    const near = found
      .filter((job) => job.status === 'OPEN' && job.location && distanceKm({ lat, lon }, job.location) <= radiusKm)
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    const end = offset + (limit ?? 20);
    return { items: near.slice(offset, end), nextToken: end < near.length ? Buffer.from(String(end)).toString('base64url') : null };
  },

  'Mutation.markJobDone': async (input, caller) => {
    await activeCaller(caller);
    const { jobId } = args(z.object({ jobId: id }), input);
    const job = await store.getJob(jobId);
    if (!job) throw new GraphQLError('NotFound', `No job ${jobId}`);
    if (job.parent !== caller.username) throw new GraphQLError('Unauthorized', 'Only the parent who posted the job marks it done');
    return store.markDone(jobId, caller);
  },

  'Mutation.rate': async (input, caller) => {
    await activeCaller(caller);
    const { jobId, rating, comment } = args(rateInput, (input as { input?: unknown }).input);
    const job = await store.getJob(jobId);
    if (!job) throw new GraphQLError('NotFound', `No job ${jobId}`);
    return store.addReview({
      jobId,
      author: caller.username,
      subject: ratingSubject(job, caller),
      rating,
      comment: comment ?? null,
      createdAt: new Date().toISOString(),
    });
  },

  'Mutation.createJob': async (input, caller) => {
    await activeCaller(caller);
    const job = args(createJobInput, (input as { input?: unknown }).input);
    return store.createJob({ ...job, id: randomUUID(), parent: caller.username, status: 'OPEN', createdAt: new Date().toISOString() });
  },

  'Query.listMyJobs': async (input, caller) => {
    await activeCaller(caller);
    const { limit, nextToken } = args(pageArgs, input);
    return store.jobsOfParent(caller.username, limit ?? 20, nextToken);
  },

  'Query.listOpenJobs': async (input, caller) => {
    await activeCaller(caller);
    const { limit, nextToken } = args(pageArgs, input);
    return store.jobsByStatus('OPEN', limit ?? 20, nextToken);
  },

  'Query.listJobApplications': async (input, caller) => {
    await activeCaller(caller);
    const { jobId, limit, nextToken } = args(z.extend(pageArgs, { jobId: id }), input);
    const job = await store.getJob(jobId);
    if (!job) throw new GraphQLError('NotFound', `No job ${jobId}`);
    if (!canSeeApplications(caller, job)) throw new GraphQLError('Unauthorized', "Only the job's parent or an admin sees its applications");
    return store.applicationsOfJob(jobId, limit ?? 20, nextToken);
  },

  'Query.listMyApplications': async (input, caller) => {
    await activeCaller(caller);
    const { limit, nextToken } = args(pageArgs, input);
    return store.applicationsOfNanny(caller.username, limit ?? 20, nextToken);
  },

  'Mutation.applyToJob': async (input, caller) => {
    await activeCaller(caller);
    const { jobId } = args(z.object({ jobId: id }), input);
    return store.apply({ jobId, nanny: caller.username, status: 'PENDING', appliedAt: new Date().toISOString() });
  },

  'Mutation.bookNanny': async (input, caller) => {
    await activeCaller(caller);
    const { jobId, nanny } = args(z.object({ jobId: id, nanny: id }), input);
    const job = await store.getJob(jobId);
    if (!job) throw new GraphQLError('NotFound', `No job ${jobId}`);
    if (job.parent !== caller.username) throw new GraphQLError('Unauthorized', 'Only the parent who posted the job books for it');
    const booking = await store.book(job, nanny, caller);
    // The declines and the booked nanny's email follow from the job's OPEN -> CLOSED change on the
    // table's stream (afterBooking): committed with the booking, retried until done, never lost.
    // Applications stop at the booking (applyToJob checks the job is OPEN), so the count is exact.
    return { ...booking, declining: (await store.countApplications(job.id)) - 1 };
  },
};

/**
 * The one resolver function (direct Lambda, kind UNIT): routed by type and field. The caller is the
 * verified token's username and groups, which AppSync puts in `identity`; arguments never name the caller.
 */
export const handler = createHandler({ event: appSyncEvent }, async (event, { log, context }) => {
  const route = `${event.info.parentTypeName}.${event.info.fieldName}`;
  const identity = event.identity;
  log({ route, caller: identity?.username });
  const resolver = resolvers[route];
  if (!resolver) throw new Error(`No resolver for ${route}`);
  // Public fields (AppSync let an API key through) have no caller; everything else needs one.
  if (!identity && !PUBLIC.has(route)) throw new GraphQLError('Unauthorized', 'A Cognito user pool token is required');
  try {
    return await resolver(event.arguments, { username: identity?.username ?? '', groups: identity?.groups ?? [] });
  } catch (error) {
    if (error instanceof GraphQLError) throw error;
    // Anything else is ours, not the client's: the details go to the log line only (DynamoDB's
    // messages name keys and limits), the client gets AppSync's generic error and the request id.
    log({ error: `${(error as Error).name}: ${(error as Error).message}`, stack: (error as Error).stack });
    throw new InternalFailure(`Internal error (request ${context.awsRequestId})`);
  }
});

/** The error a client sees for a fault of the service: its errorType, and no details. */
class InternalFailure extends Error {
  override name = 'InternalFailure';
}
