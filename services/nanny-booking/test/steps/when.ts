// When: what parents and nannies do. Through GraphQL with their Cognito tokens, as the app does; or in
// process: the graphql function with the event AppSync sends it for one field (from the local
// cloud's own builder), the caller's identity read from the same token. The router on an in-memory
// twin of the store runs the same fields in test/unit/resolvers.test.ts.
import { events, identityFromToken, lambdaContext, useFunctionEnvironment } from '@zero-idle/local-cloud/testing';
import { apply, graphql, type Person, publicQuery } from '../support/people';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;
const GRAPHQL = 'nanny-booking-dev-graphql';
const BOOK = 'mutation($jobId: ID!, $nanny: ID!) { bookNanny(jobId: $jobId, nanny: $nanny) { job { status } accepted { nanny status } declining } }';

export const overGraphQL = {
  asks: graphql,
  /** With the public API key, as a visitor who is not signed in. */
  asksWithTheApiKey: publicQuery,
  appliesTo: (nanny: Person, jobId: string) => apply(nanny, jobId),
  books: (parent: Person, jobId: string, nanny: string) =>
    graphql<{ bookNanny: { job: { status: string }; accepted: { nanny: string; status: string }; declining: number } }>(parent.token, BOOK, { jobId, nanny }),
};

export async function handlerInProcess(): Promise<Handler> {
  await useFunctionEnvironment(GRAPHQL);
  return (await import('../../src/handlers/graphql')).handler as unknown as Handler;
}

/** One field's result in GraphQL's answer shape: `data` for the field, or `errors` with AppSync's errorType. */
async function field<T>(
  run: () => Promise<unknown>,
  name: string,
): Promise<{ data?: Record<string, T>; errors?: Array<{ errorType: string; message: string }> }> {
  try {
    return { data: { [name]: (await run()) as T } };
  } catch (error) {
    return { errors: [{ errorType: (error as Error).name, message: (error as Error).message }] };
  }
}

export function inProcess(graphqlFunction: Handler) {
  const resolve = (person: Person, parentTypeName: string, fieldName: string, args: Record<string, unknown>) =>
    graphqlFunction(events.appsyncResolver({ parentTypeName, fieldName, arguments: args, identity: identityFromToken(person.token) }), lambdaContext(GRAPHQL));
  return {
    appliesTo: (nanny: Person, jobId: string) => field(() => resolve(nanny, 'Mutation', 'applyToJob', { jobId }), 'applyToJob'),
    books: (parent: Person, jobId: string, nanny: string) =>
      field<{ job: { status: string }; accepted: { nanny: string; status: string }; declining: number }>(
        () => resolve(parent, 'Mutation', 'bookNanny', { jobId, nanny }),
        'bookNanny',
      ),
  };
}
