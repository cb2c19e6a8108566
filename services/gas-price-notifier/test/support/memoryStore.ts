import type { Origin, WeekStore } from '../../src/domain/ports';
import type { Week } from '../../src/domain/prices';

/** The in-memory twin of the Prices table's weeks, for the use cases' unit tests. */
export function memoryWeekStore(initial: Week[] = []): WeekStore & { weeks: Map<string, Week & { origin: Origin }> } {
  const weeks = new Map(initial.map((week) => [week.week, { ...week, origin: 'history' as Origin }]));
  const sorted = () => [...weeks.values()].sort((a, b) => a.week.localeCompare(b.week));
  return {
    weeks,
    async latestWeek() {
      return sorted().at(-1);
    },
    async weekBefore(week) {
      return sorted()
        .filter((stored) => stored.week < week)
        .at(-1);
    },
    async storedWeeks(from, to) {
      return new Set(sorted().flatMap((stored) => (stored.week >= from && stored.week <= to ? [stored.week] : [])));
    },
    async addWeeks(fresh) {
      if (fresh.some(({ week }) => weeks.has(week.week))) throw new Error('TransactionCanceledException: ConditionalCheckFailed');
      for (const { week, origin } of fresh) weeks.set(week.week, { ...week, origin });
    },
  };
}
