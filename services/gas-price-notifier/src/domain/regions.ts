import { regionName, type Week } from './prices';

/** A region people can follow: one `<id>_average_gal` column of the dataset, with its latest price. */
export interface Region {
  /** The column without its suffix ("new_york_city"): what the `region` message attribute carries. */
  id: string;
  name: string;
  price: number | null;
  week: string;
}

const SUFFIX = '_average_gal';

export const regionId = (column: string) => column.slice(0, -SUFFIX.length);
export const isRegionColumn = (column: string) => column.endsWith(SUFFIX) && column.length > SUFFIX.length;
/** "new_york_city" -> "New York City". */
export const nameOfRegion = (id: string) => regionName(`${id}${SUFFIX}`);
/** The ids a choice may name. */
export const regionIds = (regions: readonly Region[]) => new Set(regions.map((region) => region.id));

/** The regions of the newest week, New York State first, then by name. */
export function regionsOf(week: Week | undefined): Region[] {
  if (!week) return [];
  return Object.entries(week.prices)
    .filter(([column]) => isRegionColumn(column))
    .map(([column, price]) => ({ id: regionId(column), name: regionName(column), price, week: week.week }))
    .sort((a, b) => Number(b.id === 'new_york_state') - Number(a.id === 'new_york_state') || a.name.localeCompare(b.name));
}
