/**
 * Jobs near a point: each open job is indexed under the geohash cell (precision 4, about 39 x 20 km)
 * of its location; a search reads the cell of the point and its 8 neighbours, then keeps the jobs
 * within the radius (haversine). Nine cells of that size always cover a radius of up to 19 km.
 */
const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';
export const CELL_PRECISION = 4;
export const MAX_RADIUS_KM = 19;

export function geohash(lat: number, lon: number, precision = CELL_PRECISION): string {
  let [latMin, latMax, lonMin, lonMax] = [-90, 90, -180, 180];
  let hash = '';
  let bits = 0;
  let value = 0;
  let even = true;
  while (hash.length < precision) {
    if (even) {
      const mid = (lonMin + lonMax) / 2;
      value = (value << 1) | (lon >= mid ? 1 : 0);
      if (lon >= mid) lonMin = mid;
      else lonMax = mid;
    } else {
      const mid = (latMin + latMax) / 2;
      value = (value << 1) | (lat >= mid ? 1 : 0);
      if (lat >= mid) latMin = mid;
      else latMax = mid;
    }
    even = !even;
    bits += 1;
    if (bits === 5) {
      hash += BASE32[value];
      bits = 0;
      value = 0;
    }
  }
  return hash;
}

/** The bounds of a cell: [latMin, latMax, lonMin, lonMax]. */
function bounds(hash: string): [number, number, number, number] {
  let [latMin, latMax, lonMin, lonMax] = [-90, 90, -180, 180];
  let even = true;
  for (const char of hash) {
    const value = BASE32.indexOf(char);
    for (let bit = 4; bit >= 0; bit -= 1) {
      const on = (value >> bit) & 1;
      if (even) {
        const mid = (lonMin + lonMax) / 2;
        if (on) lonMin = mid;
        else lonMax = mid;
      } else {
        const mid = (latMin + latMax) / 2;
        if (on) latMin = mid;
        else latMax = mid;
      }
      even = !even;
    }
  }
  return [latMin, latMax, lonMin, lonMax];
}

/** The cell of the point and its eight neighbours (fewer at the poles, where they coincide). */
export function cellsAround(lat: number, lon: number): string[] {
  const center = geohash(lat, lon);
  const [latMin, latMax, lonMin, lonMax] = bounds(center);
  const [height, width] = [latMax - latMin, lonMax - lonMin];
  const cells = new Set<string>();
  for (const dLat of [-1, 0, 1]) {
    for (const dLon of [-1, 0, 1]) {
      const cellLat = Math.max(-89.999, Math.min(89.999, (latMin + latMax) / 2 + dLat * height));
      const cellLon = (((((lonMin + lonMax) / 2 + dLon * width + 540) % 360) + 360) % 360) - 180;
      cells.add(geohash(cellLat, cellLon));
    }
  }
  return [...cells];
}

export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = (degrees: number) => (degrees * Math.PI) / 180;
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}
