// Publish-once over in-memory twins of the marker claims (core's memoryClaims) and the weeks: a marker
// left by a dead invocation is taken over after its lease, a live one fails the record for a retry.
import { describe, expect, it } from '@jest/globals';
import { memoryClaims } from '@zero-idle/core';
import { ALERT_LEASE_MS, alertDrops } from '../../src/domain/alerts';
import type { AlertAttributes, AlertId } from '../../src/domain/ports';
import type { Week } from '../../src/domain/prices';
import { memoryWeekStore } from '../support/memoryStore';

const before: Week = { week: '2026-11-23', prices: { new_york_state_average_gal: 3.1, new_york_city_average_gal: 3.3 } };
const week: Week = { week: '2026-11-30', prices: { new_york_state_average_gal: 3.0, new_york_city_average_gal: 3.4 } };

function given(options: { failPublishes?: number } = {}) {
  let now = Date.parse('2026-12-01T15:00:00Z');
  let failures = options.failPublishes ?? 0;
  const published: string[] = [];
  const attributes: AlertAttributes[] = [];
  const alerts = memoryClaims<AlertId>({ leaseMs: ALERT_LEASE_MS });
  const publisher = {
    async publish(alert: { subject: string; attributes: AlertAttributes }) {
      if (failures-- > 0) throw new Error('SNS hiccup');
      published.push(alert.subject);
      attributes.push(alert.attributes);
      return `message-${published.length}`;
    },
  };
  const deps = { store: memoryWeekStore([before]), alerts, publisher, clock: { now: () => now }, siteUrl: 'https://gas.example.com' };
  return { deps, alerts, published, attributes, later: (ms: number) => (now += ms), run: () => alertDrops(deps, week) };
}

describe('alertDrops', () => {
  it('publishes one alert per dropped region, and nothing more when the record comes again', async () => {
    const { run, published, alerts } = given();
    await expect(run()).resolves.toEqual({ published: 1, duplicates: 0, noDrop: false });
    await expect(run()).resolves.toEqual({ published: 0, duplicates: 1, noDrop: false });
    expect(published).toEqual(['Gas price drop in New York State: $3.10 -> $3.00 (week of 2026-11-30)']);
    expect([...alerts.items.values()]).toEqual([expect.objectContaining({ claimState: 'DONE', messageId: 'message-1' })]);
  });

  it('sends the alert once on the retry when the invocation holding the marker died', async () => {
    const { run, published, alerts, later } = given();
    // The dead invocation: it claimed, and never published nor released.
    await alerts.claim({ week: week.week, region: 'new_york_state_average_gal' }, Date.parse('2026-12-01T15:00:00Z'));
    await expect(run()).rejects.toThrow('being published by another invocation');
    expect(published).toEqual([]);
    later(ALERT_LEASE_MS + 1);
    await expect(run()).resolves.toMatchObject({ published: 1 });
    await expect(run()).resolves.toMatchObject({ published: 0, duplicates: 1 });
    expect(published).toHaveLength(1);
  });

  it('gives the marker back when the publish fails, so the retry publishes', async () => {
    const { run, published, alerts } = given({ failPublishes: 1 });
    await expect(run()).rejects.toThrow('SNS hiccup');
    expect([...alerts.items.values()]).toEqual([expect.objectContaining({ claimError: 'SNS hiccup' })]);
    expect([...alerts.items.values()][0]).not.toHaveProperty('claimState');
    await expect(run()).resolves.toMatchObject({ published: 1 });
    expect(published).toHaveLength(1);
  });

  it('alerts every region that dropped, with the attributes the filter policies match', async () => {
    const { deps, published, attributes } = given();
    const many: Week = { week: '2026-11-30', prices: { new_york_state_average_gal: 3.0, albany_average_gal: 2.87, new_york_city_average_gal: 3.4 } };
    deps.store = memoryWeekStore([{ week: '2026-11-23', prices: { ...before.prices, albany_average_gal: 2.95 } }]);
    await expect(alertDrops(deps, many)).resolves.toMatchObject({ published: 2 });
    expect(published).toHaveLength(2);
    expect(attributes).toEqual([
      { region: 'new_york_state', drop: 0.1, price: 3, week: '2026-11-30' },
      { region: 'albany', drop: 0.08, price: 2.87, week: '2026-11-30' },
    ]);
  });

  it('sends nothing for the first week it knows', async () => {
    const { deps, published } = given();
    await expect(alertDrops(deps, before)).resolves.toEqual({ published: 0, duplicates: 0, noDrop: true });
    expect(published).toEqual([]);
  });
});
