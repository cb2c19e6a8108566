// Headless Chromium for end-to-end tests of pages, driven by playwright-core with the system's browser
// (Debian's `chromium`): no browser download. Without one the suite is skipped with one line, except
// in CI (CI=true), where .ci/run installs Debian's chromium and its absence fails the run.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from '@jest/globals';
import { type Browser, chromium } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const chromiumPath = CANDIDATES.find((path): path is string => Boolean(path && existsSync(path)));

/** `describe` when a browser is there, `describe.skip` with one line when it is not (an error under CI). */
export function describeInBrowser(what: string): typeof describe | typeof describe.skip {
  if (chromiumPath) return describe;
  if (process.env.CI === 'true') throw new Error("CI needs Chromium for the browser tests (.ci/run installs Debian's chromium)");
  console.log(`Chromium not found: ${what} is skipped (apt-get install chromium, or set CHROMIUM_PATH, to run it)`);
  return describe.skip;
}

export function launchBrowser(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
}

/** A phone's viewport (iPhone 12-15 class, CSS pixels): what "readable on a phone" is checked at. */
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } as const;

/** Where screenshots go: kept with the run's other output, git-ignored. */
export function screenshotPath(name: string): string {
  const dir = new URL('../.local-cloud/screenshots/', import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
