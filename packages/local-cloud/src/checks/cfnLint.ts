import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ServiceTemplate } from '../services/cloudformation/template';
import type { Finding } from './finding';

// Asynchronous, so that the local cloud's emulators start while cfn-lint (a Python start, ~1 s) answers.
const run = promisify(execFile);

/** The one checked-in cfn-lint configuration: warnings it ignores, each with its reason. */
export const CFN_LINT_CONFIG = '.cfnlintrc.yaml';

interface CfnLintResult {
  Filename: string;
  Level: 'Error' | 'Warning' | 'Informational';
  Location: { Path: Array<string | number>; Start: { LineNumber: number } };
  Message: string;
  Rule: { Id: string };
}

/** What a service's last cfn-lint run found, kept beside its template so an unchanged one is not linted again. */
interface CachedRun {
  key: string;
  findings: Finding[];
}

/**
 * cfn-lint, found on PATH, where pipx puts it (~/.local/bin) or in pyenv's shims; CFN_LINT names
 * another. Undefined when it is not installed.
 */
export async function findCfnLint(env: NodeJS.ProcessEnv = process.env): Promise<{ path: string; version: string } | undefined> {
  const home = env.HOME ?? homedir();
  const candidates = [
    env.CFN_LINT,
    ...(env.PATH ?? '').split(':').map((dir) => join(dir, 'cfn-lint')),
    join(home, '.local', 'bin', 'cfn-lint'),
    join(env.PYENV_ROOT ?? join(home, '.pyenv'), 'shims', 'cfn-lint'),
  ].filter((candidate): candidate is string => Boolean(candidate));
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    try {
      const { stdout } = await run(path, ['--version'], { encoding: 'utf8' });
      return { path, version: stdout.trim() };
    } catch {
      // A broken shim (pyenv without that Python) is as good as none: try the next.
    }
  }
  return undefined;
}

/**
 * The rules the config ignores. Each must say why on its line (`- W3005 # reason`): an ignored
 * warning nobody can explain is a finding hidden, not a decision.
 */
export function ignoredChecks(configText: string): Array<{ rule: string; reason: string }> {
  const lines = configText.split('\n');
  const start = lines.findIndex((line) => /^ignore_checks:\s*$/.test(line));
  if (start < 0) return [];
  const ignored: Array<{ rule: string; reason: string }> = [];
  for (const line of lines.slice(start + 1)) {
    if (!/^\s+-/.test(line)) {
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      break;
    }
    const match = /^\s+-\s*([A-Z]\d+)\s*(?:#\s*(.*))?$/.exec(line);
    if (!match) throw new Error(`${CFN_LINT_CONFIG}: cannot read "${line.trim()}": write "- <rule id> # <reason>"`);
    const reason = (match[2] ?? '').trim();
    if (!reason) throw new Error(`${CFN_LINT_CONFIG}: ${match[1]} is ignored without a reason: add "# <why>" on its line`);
    ignored.push({ rule: match[1] ?? '', reason });
  }
  return ignored;
}

/**
 * Lints the templates with cfn-lint and AWS's resource schemas (errors and warnings; informational
 * hints are not findings). A template linted before with the same content, config and cfn-lint
 * version is not linted again: its findings are read back.
 */
export async function cfnLintFindings(root: string, templates: ServiceTemplate[], cfnLint: { path: string; version: string }): Promise<Map<string, Finding[]>> {
  const configFile = join(root, CFN_LINT_CONFIG);
  const config = existsSync(configFile) ? readFileSync(configFile, 'utf8') : '';
  ignoredChecks(config);
  const keyOf = (template: ServiceTemplate) =>
    createHash('sha256').update(readFileSync(template.file)).update(config).update(cfnLint.version).update(template.region).digest('hex');
  const cacheFile = (template: ServiceTemplate) => join(template.artifactsDir, 'cfn-lint.json');
  const results = new Map<string, Finding[]>();
  const stale: ServiceTemplate[] = [];
  for (const template of templates) {
    const cached = existsSync(cacheFile(template)) ? (JSON.parse(readFileSync(cacheFile(template), 'utf8')) as CachedRun) : undefined;
    if (cached?.key === keyOf(template)) results.set(template.service, cached.findings);
    else stale.push(template);
  }
  for (const region of new Set(stale.map((template) => template.region))) {
    const batch = stale.filter((template) => template.region === region);
    const output = await runCfnLint(cfnLint.path, root, region, existsSync(configFile) ? configFile : undefined, batch);
    for (const template of batch) {
      const findings = output
        .filter((result) => join(root, result.Filename) === template.file || result.Filename === template.file)
        .filter((result) => result.Level !== 'Informational')
        .map((result) => toFinding(template.service, result));
      results.set(template.service, findings);
      writeFileSync(cacheFile(template), `${JSON.stringify({ key: keyOf(template), findings } satisfies CachedRun, null, 2)}\n`);
    }
  }
  return results;
}

async function runCfnLint(path: string, root: string, region: string, configFile: string | undefined, templates: ServiceTemplate[]): Promise<CfnLintResult[]> {
  const args = ['--format', 'json', '--regions', region, ...(configFile ? ['--config-file', configFile] : []), '--', ...templates.map((t) => t.file)];
  let stdout: string;
  try {
    ({ stdout } = await run(path, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    // cfn-lint exits non-zero when it finds something; its findings are still on stdout.
    const failed = error as { stdout?: string; stderr?: string; code?: number | string };
    if (!failed.stdout?.trim().startsWith('[')) throw new Error(`cfn-lint failed (exit ${failed.code}): ${failed.stderr || failed.stdout}`);
    stdout = failed.stdout;
  }
  return JSON.parse(stdout || '[]') as CfnLintResult[];
}

function toFinding(service: string, result: CfnLintResult): Finding {
  const path = result.Location.Path;
  return {
    service,
    check: 'cfn-lint',
    rule: result.Rule.Id,
    level: result.Level === 'Error' ? 'error' : 'warning',
    resource: path[0] === 'Resources' ? String(path[1]) : undefined,
    path: `${path.join('/')} (line ${result.Location.Start.LineNumber})`,
    message: result.Message,
  };
}
