import type { Claims } from '@zero-idle/core';
import type { AlertId, AlertPublisher, Clock, WeekStore } from './ports';
import { alertMessage, type Drop, drops, type Week } from './prices';

/** publishDrops' timeout is 10 s; a marker claimed longer ago than this belongs to a dead invocation. */
export const ALERT_LEASE_MS = 30_000;

export interface AlertDependencies {
  store: Pick<WeekStore, 'weekBefore'>;
  alerts: Claims<AlertId>;
  publisher: AlertPublisher;
  clock: Clock;
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
    messageId = await deps.publisher.publish(alertMessage(drop));
  } catch (error) {
    await deps.alerts.release(id, claim.token, (error as Error).message);
    throw error;
  }
  await deps.alerts.complete(id, claim.token, deps.clock.now(), { messageId });
  return 'published';
}

/** A newly fetched week against the week stored before it: one alert per drop in a configured region. */
export async function alertDrops(
  deps: AlertDependencies,
  week: Week,
  settings: { regions: readonly string[]; minDrop: number },
): Promise<{ published: number; duplicates: number; noDrop: boolean }> {
  const previous = await deps.store.weekBefore(week.week);
  const found = previous ? drops(previous, week, settings.regions, settings.minDrop) : [];
  const outcome = { published: 0, duplicates: 0, noDrop: found.length === 0 };
  for (const drop of found) outcome[(await publishOnce(deps, drop)) === 'published' ? 'published' : 'duplicates'] += 1;
  return outcome;
}
