import type { Ports } from './context';

/** Ports derived from one base, so a second local cloud (the tests') can run beside `npm run dev`. */
export function portsFrom(base: number): Ports {
  return {
    endpoint: base,
    dynamodb: base + 1,
    ses: base + 2,
    fauxqs: base + 3,
    standIns: base + 4,
    cognito: base + 5,
    smtp: base + 6,
    httpApis: base + 10,
    appSync: base + 20,
  };
}
