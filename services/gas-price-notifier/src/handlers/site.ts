import { createHandler, html, json } from '@zero-idle/core';
import * as z from 'zod/mini';
import { store } from '../dependencies';
import { managePage, subscribePage } from '../domain/pages';
import { regionsOf } from '../domain/regions';

const request = z.object({ routeKey: z.string() });

/**
 * GET /regions (the regions of the newest stored week, with its prices, as JSON), GET / (the
 * subscribe page, the same regions as checkboxes) and GET /manage (where every alert's link leads).
 */
export const handler = createHandler({ event: request, http: true }, async (event, { log }) => {
  log({ route: event.routeKey });
  if (event.routeKey === 'GET /manage') return html(200, managePage());
  const regions = regionsOf(await store.latestWeek());
  if (event.routeKey === 'GET /regions') return json(200, { week: regions[0]?.week ?? null, regions });
  return html(200, subscribePage(regions));
});
