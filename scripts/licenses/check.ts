// The licence check of npm test: every package in the dependency tree (pnpm licenses list) must be
// usable under permissive terms, or be on licenses.allow.json with the reason it is there.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { verdict } from './spdx';

interface Listed {
  name: string;
  versions: string[];
  license?: string;
}

interface Allowed {
  package: string;
  license: string;
  reason: string;
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const allowFile = 'licenses.allow.json';

const listed = JSON.parse(execFileSync('pnpm', ['licenses', 'list', '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as Record<
  string,
  Listed[]
>;
const allowed = (JSON.parse(readFileSync(`${root}/${allowFile}`, 'utf8')) as { packages: Allowed[] }).packages;
const problems: string[] = [];

for (const entry of allowed) if (!entry.reason?.trim()) problems.push(`${allowFile}: ${entry.package} has no reason`);

const packages = Object.entries(listed).flatMap(([license, list]) => list.map((item) => ({ ...item, license: item.license ?? license })));
const used = new Set<Allowed>();
for (const item of packages) {
  const result = verdict(item.license);
  if (result === 'permissive') continue;
  const entry = allowed.find((candidate) => candidate.package === item.name && candidate.license === item.license);
  if (entry) {
    used.add(entry);
    continue;
  }
  problems.push(
    `${item.name}@${item.versions.join(',')}: ${result === 'copyleft' ? 'copyleft licence' : 'licence not known to be permissive'} "${item.license}"`,
  );
}
for (const entry of allowed)
  if (!used.has(entry)) problems.push(`${allowFile}: ${entry.package} (${entry.license}) is allowed but no longer in the dependency tree: remove it`);

if (problems.length) {
  console.error(`licence check: ${problems.length} problem(s); add a package to ${allowFile} only with the reason it is acceptable:`);
  for (const problem of problems) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(`licence check: ${packages.length} packages, all under permissive terms (${used.size} allowed by ${allowFile})`);
