// SPDX expressions as npm packages of this tree and others declare them (pnpm licenses list).
import { describe, expect, it } from '@jest/globals';
import { verdict } from './spdx';

describe('licence verdicts', () => {
  it('passes permissive licences and choices with a permissive side', () => {
    for (const expression of [
      'MIT',
      'ISC',
      'Apache-2.0',
      '(MIT OR EUPL-1.1+)',
      'MIT OR Apache-2.0',
      '(MIT OR CC0-1.0)',
      'Apache-2.0 AND MIT',
      'BlueOak-1.0.0',
      'PSF-2.0',
    ]) {
      expect([expression, verdict(expression)]).toEqual([expression, 'permissive']);
    }
  });

  it('fails copyleft licences, strong and weak, however they are spelled', () => {
    for (const expression of [
      'GPL-3.0',
      'GPL-2.0-only',
      'GPL-3.0-or-later',
      'AGPL-3.0-or-later',
      'LGPL-2.1+',
      'SSPL-1.0',
      'EUPL-1.2',
      'MPL-2.0',
      'MIT AND GPL-3.0',
      '(EUPL-1.1+ OR GPL-2.0)',
    ]) {
      expect([expression, verdict(expression)]).toEqual([expression, 'copyleft']);
    }
    expect(verdict('GPL-2.0 WITH Classpath-exception-2.0')).toBe('copyleft');
  });

  it('calls unreadable or custom licences unknown, so they need a reason on the allow-list', () => {
    for (const expression of [undefined, '', 'UNLICENSED', 'SEE LICENSE IN LICENSE.md', '(MIT OR', 'Custom']) {
      expect([expression, verdict(expression)]).toEqual([expression, 'unknown']);
    }
    expect(verdict('MIT OR UNLICENSED')).toBe('permissive');
  });
});
