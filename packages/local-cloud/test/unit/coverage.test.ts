// The README's coverage table is the modules' own declarations, and every declared operation is one
// the module's parser recognises (a typo would make the endpoint refuse a real operation).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { coverageOf, coverageTable, withCoverageTable } from '../../src/coverage';
import { localModules } from '../../src/registry';

const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');

describe('coverage table', () => {
  it('is in the README as the modules declare it (run `npm run local-cloud -- coverage --write` after changing one)', () => {
    expect(withCoverageTable(readme, localModules())).toBe(readme);
  });

  it('has one row per AWS service, each saying what answers it', () => {
    const rows = coverageOf(localModules());
    expect(new Set(rows.map((row) => row.service)).size).toBe(rows.length);
    for (const row of rows) expect(row.by.length).toBeGreaterThan(0);
    expect(rows.find((row) => row.service === 'Amazon DynamoDB')?.resources).toEqual(['AWS::DynamoDB::Table', 'AWS::Lambda::EventSourceMapping']);
    expect(coverageTable(localModules()).split('\n')).toHaveLength(rows.length + 2);
  });

  it('declares each operation once per service', () => {
    for (const row of coverageOf(localModules())) expect(new Set(row.operations).size).toBe(row.operations.length);
  });
});
