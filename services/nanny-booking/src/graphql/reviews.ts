import * as z from 'zod/mini';
import { rateInput } from '../domain/inputs';
import * as reviews from '../domain/reviews';
import { active, type Resolvers, resolver } from './resolver';

export const reviewResolvers = {
  'Mutation.rate': resolver({
    access: active('parent', 'nanny'),
    args: z.object({ input: rateInput }),
    shows: 'noUser',
    run: ({ store, clock, me, args }) => reviews.rate(store, clock, me, args.input),
  }),
} satisfies Resolvers;
