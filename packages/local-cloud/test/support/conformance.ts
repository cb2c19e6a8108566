// What every conformance suite shares: a real SDK client's settings signing with the suite's own key,
// and the check that the suite drove every operation the coverage table declares for its service.
import { expect } from '@jest/globals';
import { coverageOf } from '../../src/coverage';
import { localModules } from '../../src/registry';
import { local, testCloud } from '../../src/testing';

/** Settings for an AWS SDK v3 client of the tests' endpoint, signing with `key` (its calls are counted under it). */
export function clientConfig(key: string) {
  return { endpoint: testCloud().endpoint, region: 'us-east-1', credentials: { accessKeyId: key, secretAccessKey: 'conformance' }, maxAttempts: 1 };
}

/** Expects that the callers (client keys, or 'anonymous' for unsigned calls) made every operation the README lists for the service. */
export async function expectEveryDeclaredOperationCalled(service: string, signingName: string, callers: string[]): Promise<void> {
  const declared = coverageOf(localModules()).find((row) => row.service === service)?.operations ?? [];
  expect(declared.length).toBeGreaterThan(0);
  const calls = await local().calls();
  const made = new Set(callers.flatMap((caller) => Object.keys(calls[caller === 'anonymous' ? caller : `client:${caller}`] ?? {})));
  expect(declared.filter((operation) => !made.has(`${signingName}:${operation}`))).toEqual([]);
}
