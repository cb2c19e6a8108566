import { ClientError, createHandler, html, json, parseBody, wantsHtml } from '@zero-idle/core';
import * as z from 'zod/mini';
import { clock, siteUrl, store, subscribers, topicSubscriptions } from '../dependencies';
import { readChoice } from '../domain/choice';
import { errorPage, subscriptionPage } from '../domain/pages';
import type { Subscriber } from '../domain/ports';
import { regionIds, regionsOf } from '../domain/regions';
import { changeSubscription, endSubscription, showSubscription } from '../domain/subscriptions';
import { asClientError } from '../httpRefusals';

const deps = { store: subscribers(), topic: topicSubscriptions(), clock, siteUrl: siteUrl() };
/** A JSON object or a form; its fields are read by the domain, which names the one that is wrong. */
const fields = z.record(z.string(), z.unknown());
const request = z.object({
  routeKey: z.string(),
  pathParameters: z.object({ token: z.string().check(z.regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a subscription link')) }),
  body: z.optional(z.string()),
  isBase64Encoded: z.optional(z.boolean()),
  headers: z._default(z.record(z.string(), z.string()), {}),
});

const view = ({ email, choice, state }: Subscriber) => ({ email, ...choice, state });

/**
 * The personal link: GET /subscriptions/{token} shows the subscription (its state as SNS has it),
 * DELETE ends it, and POST is the page's forms (action=change with a new choice, or action=stop),
 * since a form without JavaScript can only GET and POST.
 */
export const handler = createHandler({ event: request, http: true }, async (event, { log }) => {
  const { token } = event.pathParameters;
  const browser = wantsHtml(event);
  const regions = regionsOf(await store.latestWeek());
  try {
    let subscriber: Subscriber;
    let notice: string | undefined;
    if (event.routeKey === 'DELETE /subscriptions/{token}') subscriber = await endSubscription(deps, token);
    else if (event.routeKey === 'GET /subscriptions/{token}') subscriber = await showSubscription(deps, token);
    else {
      const body = parseBody(fields, event);
      if (body.action === 'stop') [subscriber, notice] = [await endSubscription(deps, token), 'Your alerts are stopped.'];
      else if (body.action === 'change')
        [subscriber, notice] = [await changeSubscription(deps, token, readChoice(body, regionIds(regions))), 'Your choice is saved.'];
      else throw new ClientError(400, 'action must be change or stop', 'Invalid.action');
    }
    log({ route: event.routeKey, state: subscriber.state });
    return browser ? html(200, subscriptionPage(subscriber, regions, notice)) : json(200, view(subscriber));
  } catch (error) {
    const refusal = asClientError(error) ?? (error instanceof ClientError ? error : undefined);
    if (refusal && browser) return html(refusal.statusCode, errorPage('Your alerts', refusal.message));
    throw refusal ?? error;
  }
});
