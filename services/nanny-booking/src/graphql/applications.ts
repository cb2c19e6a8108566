import * as applications from '../domain/applications';
import { bookArgs, jobArgs, jobPageArgs, pageArgs } from '../domain/inputs';
import { active, type Resolvers, resolver } from './resolver';

export const applicationResolvers = {
  'Query.listJobApplications': resolver({
    access: active('parent', 'admin'),
    args: jobPageArgs,
    shows: 'noUser',
    run: ({ store, caller, args }) => applications.listJobApplications(store, caller, args),
  }),
  'Query.listMyApplications': resolver({
    access: active('nanny'),
    args: pageArgs,
    shows: 'noUser',
    run: ({ store, me, args }) => applications.listMyApplications(store, me, args),
  }),
  'Mutation.applyToJob': resolver({
    access: active('nanny'),
    args: jobArgs,
    shows: 'noUser',
    run: ({ store, clock, me, args }) => applications.applyToJob(store, clock, me, args.jobId),
  }),
  'Mutation.bookNanny': resolver({
    access: active('parent'),
    args: bookArgs,
    shows: 'noUser',
    run: ({ store, me, args }) => applications.bookNanny(store, me, args),
  }),
} satisfies Resolvers;
