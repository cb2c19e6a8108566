import { createHandler, html, json, logLine, parseBody, wantsHtml } from '@zero-idle/core';
import * as z from 'zod/mini';
import { clock, siteUrl, store, subscribers, topicSubscriptions } from '../dependencies';
import { type Choice, readChoice, readEmail } from '../domain/choice';
import { confirmationSentPage, managePage, subscribePage, updatedPage } from '../domain/pages';
import { SubscriptionsFull } from '../domain/ports';
import { regionIds, regionsOf } from '../domain/regions';
import { sendPersonalLink, subscribe } from '../domain/subscriptions';
import { asClientError } from '../httpRefusals';

const deps = { store: subscribers(), topic: topicSubscriptions(), clock, siteUrl: siteUrl() };
/** A JSON object or a form; its fields are read by the domain, which names the one that is wrong. */
const fields = z.record(z.string(), z.unknown());
const request = z.object({
  routeKey: z.string(),
  body: z.optional(z.string()),
  isBase64Encoded: z.optional(z.boolean()),
  headers: z._default(z.record(z.string(), z.string()), {}),
});

const LINK_REQUESTED = 'If this address has a confirmed subscription, its link is on its way (at most one email an hour).';

/**
 * POST /subscriptions {email, regions, minDrop?, below?} (JSON, or the subscribe page's form) and
 * POST /manage-links {email}. A mistake is a 400 naming the field; an address emailed less than an
 * hour ago, a 429; a browser gets the page again with the message.
 */
export const handler = createHandler({ event: request, http: true }, async (event, { context, log }) => {
  const browser = wantsHtml(event);
  const body = parseBody(fields, event);
  if (event.routeKey === 'POST /manage-links') {
    try {
      const { sent } = await sendPersonalLink(deps, readEmail(body.email));
      log({ route: event.routeKey, sent });
      return browser ? html(202, managePage(LINK_REQUESTED)) : json(202, { message: LINK_REQUESTED });
    } catch (error) {
      const refusal = asClientError(error);
      if (refusal && browser) return html(refusal.statusCode, managePage(refusal.message));
      throw refusal ?? error;
    }
  }
  const regions = regionsOf(await store.latestWeek());
  let email: string | undefined;
  let choice: Choice | undefined;
  try {
    email = readEmail(body.email);
    choice = readChoice(body, regionIds(regions));
    const { status, subscriber } = await subscribe(deps, email, choice);
    log({ route: event.routeKey, status, regions: choice.regions.length });
    const statusCode = status === 'updated' ? 200 : 202;
    if (browser) return html(statusCode, status === 'updated' ? updatedPage(email) : confirmationSentPage(email));
    return json(statusCode, { status, email: subscriber.email, ...subscriber.choice, state: subscriber.state });
  } catch (error) {
    // The quota is the operator's to raise: an ERROR line of its own, beside the 503 the person gets.
    if (error instanceof SubscriptionsFull) logLine({ level: 'ERROR', function: context.functionName, requestId: context.awsRequestId, error: error.message });
    const refusal = asClientError(error);
    if (refusal && browser) return html(refusal.statusCode, subscribePage(regions, { message: refusal.message, email, choice }));
    throw refusal ?? error;
  }
});
