import { randomUUID } from 'node:crypto';
import { createHandler } from '@zero-idle/core';
import * as z from 'zod/mini';
import { store } from '../dependencies';
import { errorForClient } from '../graphql/errors';
import { resolvers } from '../graphql/resolvers';
import { graphqlRouter } from '../graphql/router';

/** AppSync's direct Lambda resolver event (only what the router reads). */
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

const route = graphqlRouter(resolvers, { store, clock: { now: () => new Date(), newId: randomUUID } });

/** The one resolver function (direct Lambda, kind UNIT) of every field: routed by type and field. */
export const handler = createHandler({ event: appSyncEvent }, async (event, { log, context }) => {
  log({ route: `${event.info.parentTypeName}.${event.info.fieldName}`, caller: event.identity?.username });
  try {
    return await route(event);
  } catch (error) {
    throw errorForClient(error, context.awsRequestId, log);
  }
});
