import * as z from 'zod/mini';

/** Regions are the dataset's `<region>_average_gal` columns; a week may lack some (null). */
export type Prices = Record<string, number | null>;

export interface Week {
  /** The week's date, YYYY-MM-DD. */
  week: string;
  prices: Prices;
}

const DECIMAL = /^\d+(\.\d+)?$/;
const price = z.nullable(z.optional(z.string().check(z.regex(DECIMAL, 'a price is a decimal number in a string'))));

/** Dollars per gallon a region's average can hold: New York's highest weekly average was under $5.10. */
export const PRICE_RANGE = { min: 0.01, max: 20 } as const;

/** One row of dataset nqur-w4p7 as the API sends it: values are strings and may be missing or null. */
export const apiRow = z.looseObject({
  date: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T/, 'date must be an ISO timestamp')),
  new_york_state_average_gal: price,
});
export const apiRows = z.array(apiRow);
export type ApiRow = z.infer<typeof apiRow>;

/** The response as the fetch reads it: its shape checked whole, each row's prices judged alone (see weeks.ts). */
export const apiResponse = z.array(z.looseObject({ date: apiRow.shape.date }));

/** A row as a week: every region's price as a number (or null), keyed by the column name. */
export function toWeek(row: ApiRow): Week {
  const prices: Prices = {};
  for (const [column, value] of Object.entries(row)) {
    if (!column.endsWith('_average_gal')) continue;
    if (value === null || value === undefined || value === '') {
      prices[column] = null;
      continue;
    }
    const amount = Number(value);
    // Every region is checked, not only the state average the schema names: "-1" or "1e3" is no price.
    if (typeof value !== 'string' || !DECIMAL.test(value) || amount < PRICE_RANGE.min || amount > PRICE_RANGE.max) {
      throw new Error(`${row.date}: ${column} is not a price: ${JSON.stringify(value)}`);
    }
    prices[column] = amount;
  }
  return { week: row.date.slice(0, 10), prices };
}

export interface Drop {
  week: string;
  previousWeek: string;
  region: string;
  previous: number;
  current: number;
  change: number;
  percent: number;
}

/** The given regions whose price fell from the previous week by at least `minDrop` dollars. */
export function drops(previous: Week, current: Week, regions: readonly string[], minDrop: number): Drop[] {
  return regions.flatMap((region) => {
    const before = previous.prices[region];
    const now = current.prices[region];
    if (before === null || before === undefined || now === null || now === undefined) return [];
    // In tenths of a cent, to compare 2.43 - 2.42 without floating-point noise.
    const changeCents = Math.round(now * 1000) - Math.round(before * 1000);
    if (changeCents >= 0 || -changeCents < Math.round(minDrop * 1000)) return [];
    return [
      {
        week: current.week,
        previousWeek: previous.week,
        region,
        previous: before,
        current: now,
        change: changeCents / 1000,
        percent: Math.round((changeCents / 1000 / before) * 10_000) / 100,
      },
    ];
  });
}

/** "new_york_city_average_gal" -> "New York City". */
export function regionName(column: string): string {
  return column
    .replace(/_average_gal$/, '')
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

const dollars = (value: number) => `$${value.toFixed(2)}`;

/** The alert, the same for every subscriber it reaches; SNS adds its own unsubscribe link below it. */
export function alertMessage(drop: Drop, siteUrl: string): { subject: string; message: string } {
  const region = regionName(drop.region);
  return {
    subject: `Gas price drop in ${region}: ${dollars(drop.previous)} -> ${dollars(drop.current)} (week of ${drop.week})`,
    message: [
      `The average price of regular gasoline in ${region} dropped in the week of ${drop.week}.`,
      '',
      `  previous week (${drop.previousWeek}): ${dollars(drop.previous)} per gallon`,
      `  this week (${drop.week}):     ${dollars(drop.current)} per gallon`,
      `  change: ${dollars(drop.change).replace('$-', '-$')} (${drop.percent.toFixed(2)}%)`,
      '',
      'Source: New York State Energy Research and Development Authority, dataset nqur-w4p7 on data.ny.gov.',
      `To change your regions or thresholds, or to stop these alerts: ${siteUrl}/manage`,
    ].join('\n'),
  };
}
