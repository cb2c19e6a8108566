import type { Claims } from '@zero-idle/core';
import type { AlertId, AlertPublisher, Clock, WeekStore } from './ports';
import { alertMessage, type Drop, drops, type Week } from './prices';
import { isRegionColumn, regionId } from './regions';

/** publishDrops' timeout is 10 s; a marker claimed longer ago than this belongs to a dead invocation. */
export const ALERT_LEASE_MS = 30_000;

export interface AlertDependencies {
  store: Pick<WeekStore, 'weekBefore'>;
  alerts: Claims<AlertId>;
  publisher: AlertPublisher;
  clock: Clock;
  /** The site's URL, for the link to change or stop the alerts. */
  siteUrl: string;
}

/** Another invocation holds the alert's marker: this record fails, and its retry finds the alert done, or free. */
export class AlertInProgress extends Error {
  override name = 'AlertInProgress';
}

/** Publishes one alert at most per week and region: claimed first, completed after, released if the publish fails. */
async function publishOnce(deps: AlertDependencies, drop: Drop): Promise<'published' | 'duplicate'> {
  const id = { week: drop.week, region: drop.region };
  const claim = await deps.alerts.claim(id, deps.clock.now());
  if (claim.state === 'done') return 'duplicate';
  if (claim.state !== 'claimed') throw new AlertInProgress(`The alert for ${drop.region} in the week of ${drop.week} is being published by another invocation`);
  let messageId: string;
  try {
    // The attributes are what subscribers' filter policies match: SNS delivers to those who chose this.
    const attributes = { region: regionId(drop.region), drop: -drop.change, price: drop.current, week: drop.week };
    messageId = await deps.publisher.publish({ ...alertMessage(drop, deps.siteUrl), attributes });
  } catch (error) {
    await deps.alerts.release(id, claim.token, (error as Error).message);
    throw error;
  }
  await deps.alerts.complete(id, claim.token, deps.clock.now(), { messageId });
  return 'published';
}

/**
 * A newly fetched week against the week stored before it: one alert per region whose price dropped,
 * published to the topic; each subscription's filter policy decides whether it is delivered.
 */
export async function alertDrops(deps: AlertDependencies, week: Week): Promise<{ published: number; duplicates: number; noDrop: boolean }> {
  const previous = await deps.store.weekBefore(week.week);
  const found = previous ? drops(previous, week, Object.keys(week.prices).filter(isRegionColumn), 0) : [];
  const outcome = { published: 0, duplicates: 0, noDrop: found.length === 0 };
  for (const drop of found) outcome[(await publishOnce(deps, drop)) === 'published' ? 'published' : 'duplicates'] += 1;
  return outcome;
}
