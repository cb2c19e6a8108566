import { describe, expect, it } from '@jest/globals';
import { parse } from '@zero-idle/core';
import { cellsAround, distanceKm, geohash, MAX_RADIUS_KM } from '../../src/domain/geo';
import { createJobInput, pageArgs, rateInput } from '../../src/domain/inputs';
import type { Job, User } from '../../src/domain/model';
import { canSeeApplications, ratingAverage, ratingSubject, requireActive, roleOf } from '../../src/domain/rules';

const job = (overrides: Partial<Job> = {}): Job => ({
  id: 'j1',
  parent: 'pat',
  title: 'Evening',
  description: '',
  startsAt: '2026-12-05T18:00:00Z',
  hourlyRate: 20,
  status: 'DONE',
  createdAt: '2026-11-30T00:00:00Z',
  bookedNanny: 'ann',
  ...overrides,
});

describe('roles and accounts', () => {
  it('takes the role from the groups and refuses none', () => {
    expect(roleOf({ username: 'a', groups: ['nanny'] })).toBe('nanny');
    expect(roleOf({ username: 'a', groups: ['admin', 'parent'] })).toBe('admin');
    expect(() => roleOf({ username: 'a', groups: ['other'] })).toThrow('none of the groups');
  });

  it('lets only active profiles act', () => {
    const user = { username: 'a', status: 'VERIFIED' } as User;
    expect(requireActive(user, { username: 'a', groups: [] })).toBe(user);
    expect(() => requireActive({ ...user, status: 'DEACTIVATED' }, { username: 'a', groups: [] })).toThrow('deactivated');
    expect(() => requireActive(undefined, { username: 'a', groups: [] })).toThrow('call createUser first');
  });

  it("shows a job's applications to its parent and admins only", () => {
    expect(canSeeApplications({ username: 'pat', groups: ['parent'] }, job())).toBe(true);
    expect(canSeeApplications({ username: 'root', groups: ['admin'] }, job())).toBe(true);
    expect(canSeeApplications({ username: 'other', groups: ['parent'] }, job())).toBe(false);
  });
});

describe('ratings', () => {
  it('pairs the parent with the booked nanny, once the job is done', () => {
    expect(ratingSubject(job(), { username: 'pat', groups: ['parent'] })).toBe('ann');
    expect(ratingSubject(job(), { username: 'ann', groups: ['nanny'] })).toBe('pat');
    expect(() => ratingSubject(job(), { username: 'bea', groups: ['nanny'] })).toThrow('rate each other');
    expect(() => ratingSubject(job({ status: 'CLOSED' }), { username: 'pat', groups: ['parent'] })).toThrow('once it is done');
  });

  it('averages to one decimal, and has no average before the first rating', () => {
    expect(ratingAverage({ ratingSum: 14, ratingCount: 3 })).toBe(4.7);
    expect(ratingAverage({})).toBeNull();
  });

  it('takes ratings of 1 to 5 only', () => {
    expect(parse(rateInput, { jobId: 'j', rating: 0 })).toEqual({ ok: false, problems: expect.stringContaining('a rating is 1 to 5') });
    expect(parse(rateInput, { jobId: 'j', rating: 3.5 }).ok).toBe(false);
    expect(parse(rateInput, { jobId: 'j', rating: 5, comment: ' ok ' })).toEqual({ ok: true, value: { jobId: 'j', rating: 5, comment: 'ok' } });
  });
});

describe('inputs', () => {
  it('validates jobs and pages with clear messages', () => {
    expect(parse(createJobInput, { title: 'ab', description: '', startsAt: 'soon', hourlyRate: -1 })).toEqual({
      ok: false,
      problems: expect.stringMatching(/at least 3 characters[\s\S]*ISO date-time[\s\S]*positive/),
    });
    expect(parse(pageArgs, {})).toEqual({ ok: true, value: { limit: 20 } });
    expect(parse(pageArgs, { limit: 101 }).ok).toBe(false);
  });
});

describe('geohash cells', () => {
  it('encodes known points', () => {
    expect(geohash(57.64911, 10.40744, 11)).toBe('u4pruydqqvj');
    expect(geohash(40.7128, -74.006)).toBe('dr5r');
  });

  it('covers every point within the maximum radius with the nine cells around the centre', () => {
    const center = { lat: 40.7128, lon: -74.006 };
    const cells = new Set(cellsAround(center.lat, center.lon));
    expect(cells.size).toBe(9);
    for (let bearing = 0; bearing < 360; bearing += 15) {
      const rad = (bearing * Math.PI) / 180;
      const point = {
        lat: center.lat + ((MAX_RADIUS_KM * 0.999) / 111.32) * Math.cos(rad),
        lon: center.lon + ((MAX_RADIUS_KM * 0.999) / (111.32 * Math.cos((center.lat * Math.PI) / 180))) * Math.sin(rad),
      };
      expect(distanceKm(center, point)).toBeLessThanOrEqual(MAX_RADIUS_KM);
      expect(cells.has(geohash(point.lat, point.lon))).toBe(true);
    }
  });

  it('measures distances on the sphere', () => {
    expect(distanceKm({ lat: 40.7128, lon: -74.006 }, { lat: 42.3601, lon: -71.0589 })).toBeCloseTo(306, -1);
  });
});
