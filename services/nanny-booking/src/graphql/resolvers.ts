import { applicationResolvers } from './applications';
import { jobResolvers } from './jobs';
import type { Resolvers } from './resolver';
import { reviewResolvers } from './reviews';
import { userResolvers } from './users';

/** Every Query and Mutation field, by GraphQL type (the schema test checks this is the schema's list). */
export const resolvers: Resolvers = { ...userResolvers, ...jobResolvers, ...applicationResolvers, ...reviewResolvers };
