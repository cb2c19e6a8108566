import * as z from 'zod/mini';
import { createJobInput, jobArgs, nearArgs, pageArgs } from '../domain/inputs';
import * as jobs from '../domain/jobs';
import { active, type Resolvers, resolver } from './resolver';

export const jobResolvers = {
  'Query.listMyJobs': resolver({ access: active('parent'), args: pageArgs, shows: 'noUser', run: ({ store, me, args }) => jobs.listMyJobs(store, me, args) }),
  'Query.listOpenJobs': resolver({
    access: active('nanny', 'admin'),
    args: pageArgs,
    shows: 'noUser',
    run: ({ store, args }) => jobs.listOpenJobs(store, args),
  }),
  'Query.jobsNear': resolver({ access: active('nanny', 'admin'), args: nearArgs, shows: 'noUser', run: ({ store, args }) => jobs.jobsNear(store, args) }),
  'Mutation.createJob': resolver({
    access: active('parent'),
    args: z.object({ input: createJobInput }),
    shows: 'noUser',
    run: ({ store, clock, me, args }) => jobs.createJob(store, clock, me, args.input),
  }),
  'Mutation.markJobDone': resolver({
    access: active('parent'),
    args: jobArgs,
    shows: 'noUser',
    run: ({ store, me, args }) => jobs.markJobDone(store, me, args.jobId),
  }),
} satisfies Resolvers;
