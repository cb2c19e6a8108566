export type { Clock } from '@zero-idle/core';

import type { ApiRow, Week } from './prices';

/** Why a week was stored: `fetch` weeks are new and may alert; `history` and `backfill` weeks never do. */
export type Origin = 'fetch' | 'history' | 'backfill';

/** The stored weeks (the Prices table in production, a map in unit tests). */
export interface WeekStore {
  latestWeek(): Promise<Week | undefined>;
  weekBefore(week: string): Promise<Week | undefined>;
  storedWeeks(from: string, to: string): Promise<Set<string>>;
  /** All together or none, each only if absent. */
  addWeeks(weeks: Array<{ week: Week; origin: Origin }>, now: number): Promise<void>;
}

/** The dataset's latest weeks, newest first, and how many attempts the fetch took. */
export interface PriceSource {
  latestWeeks(): Promise<{ rows: ApiRow[]; attempts: number }>;
}

/** One alert per week and region. */
export interface AlertId {
  week: string;
  region: string;
}

/** Where alerts go (the SNS topic); answers the message id. */
export interface AlertPublisher {
  publish(alert: { subject: string; message: string }): Promise<string>;
}
