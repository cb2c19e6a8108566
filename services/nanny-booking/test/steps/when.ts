// When: what parents and nannies do, through GraphQL with their Cognito tokens, as the app does. In
// process, the same operations run through the router on an in-memory twin of the store
// (test/unit/resolvers.test.ts).
import { apply, graphql, type Person } from '../support/people';

export const overGraphQL = {
  asks: graphql,
  appliesTo: (nanny: Person, jobId: string) => apply(nanny, jobId),
  books: (parent: Person, jobId: string, nanny: string) =>
    graphql<{ bookNanny: { job: { status: string }; accepted: { nanny: string; status: string }; declining: number } }>(
      parent.token,
      'mutation($jobId: ID!, $nanny: ID!) { bookNanny(jobId: $jobId, nanny: $nanny) { job { status } accepted { nanny status } declining } }',
      { jobId, nanny },
    ),
};
