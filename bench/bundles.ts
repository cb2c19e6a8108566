// For every function of every packaged service: the deployed bundle's size and median module load time
// in fresh Node 22 processes, side by side with the same handler built with @aws-sdk/* left external
// (as if using the SDK the Lambda runtime ships). Then the local cloud's time from start to ready.
// Run with: pnpm bench
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { bundleLikeLambda, startBenchCloud } from '../packages/local-cloud/src/bench';
import { loadTemplates, resourcesOfType, type ServiceTemplate } from '../packages/local-cloud/src/services/cloudformation/template';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
// pnpm hoists every package into node_modules/.pnpm/node_modules, so a file placed beside it
// resolves any @aws-sdk/* package, as a handler does on the Lambda runtime.
const workDir = join(root, 'node_modules', '.pnpm', 'zero-idle-bench');
const KiB = 1024;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Milliseconds to import the module in a fresh process (what a cold start pays for the code). */
function loadTime(file: string, environment: Record<string, string>): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(`file://${file}`)}); console.log(performance.now() - t);`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', ...environment },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`Loading ${file} failed:\n${result.stderr.slice(-1_000)}`);
  return Number(result.stdout.trim());
}

/** What a deploy-time value looks like in AWS, by the kind of resource a Ref names; otherwise a URL. */
const REF_SHAPES: Record<string, (id: string) => string> = {
  'AWS::SNS::Topic': (id) => `arn:aws:sns:us-east-1:000000000000:${id}`,
  'AWS::SQS::Queue': (id) => `https://sqs.us-east-1.amazonaws.com/000000000000/${id}`,
  'AWS::StepFunctions::StateMachine': (id) => `arn:aws:states:us-east-1:000000000000:stateMachine:${id}`,
};

/** The function's environment from the template; values CloudFormation computes at deploy get a stand-in of the right shape. */
function environmentOf(template: ServiceTemplate, properties: Record<string, unknown>): Record<string, string> {
  const variables = (properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => {
      if (typeof value === 'string') return [name, value];
      const ref = (value as { Ref?: string }).Ref;
      const shape = ref ? REF_SHAPES[template.resources[ref]?.Type ?? ''] : undefined;
      return [name, shape ? shape(ref ?? '') : 'https://deploy-time.invalid/value'];
    }),
  );
}

/** The handler file of a deployment zip, written out to be imported. */
function deployedBundle(zipPath: string, handler: string, target: string): string {
  const modulePath = handler.slice(0, handler.lastIndexOf('.'));
  const files = unzipSync(readFileSync(zipPath));
  const entry = Object.keys(files).find((name) => name.startsWith(`${modulePath}.`) && /\.(mjs|js|cjs)$/.test(name));
  const bytes = entry ? files[entry] : undefined;
  if (!entry || !bytes) throw new Error(`${zipPath} has no ${modulePath}.mjs`);
  writeFileSync(target, bytes);
  return target;
}

/** The same handler with the SDK left external, built with the same options otherwise. */
function externalSdkBundle(serviceDir: string, handler: string, target: string): Promise<string> {
  return bundleLikeLambda(join(serviceDir, `${handler.slice(0, handler.lastIndexOf('.'))}.ts`), target, ['@aws-sdk/*', '@smithy/*']);
}

async function benchBundles(): Promise<void> {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const rows: string[][] = [];
  for (const template of loadTemplates(root)) {
    for (const [logicalId, resource] of resourcesOfType(template, 'AWS::Lambda::Function')) {
      const p = resource.Properties;
      const handler = String(p.Handler);
      const zip = join(template.artifactsDir, basename(String((p.Code as { S3Key: string }).S3Key)));
      const name = `${template.service}-${logicalId}`;
      const bundled = deployedBundle(zip, handler, join(workDir, `${name}.bundled.mjs`));
      const external = await externalSdkBundle(template.dir, handler, join(workDir, `${name}.external.mjs`));
      const environment = environmentOf(template, p);
      const bundledTimes: number[] = [];
      const externalTimes: number[] = [];
      // One unmeasured load each to warm the file cache, then alternate so both see the same machine load.
      loadTime(bundled, environment);
      loadTime(external, environment);
      for (let run = 0; run < RUNS; run += 1) {
        bundledTimes.push(loadTime(bundled, environment));
        externalTimes.push(loadTime(external, environment));
      }
      const size = statSync(bundled).size;
      const ratio = median(bundledTimes) / median(externalTimes);
      rows.push([
        `${template.service}/${String(p.FunctionName ?? logicalId).replace(`${template.service}-${template.stage}-`, '')}`,
        `${(size / KiB).toFixed(0)} KiB${size <= 500 * KiB ? '' : ' (over 500)'}`,
        `${(statSync(external).size / KiB).toFixed(0)} KiB`,
        `${median(bundledTimes).toFixed(1)} ms`,
        `${median(externalTimes).toFixed(1)} ms`,
        `${ratio.toFixed(2)}${ratio <= 0.6 ? '' : ' (over 0.6)'}`,
      ]);
    }
  }
  table(['function', 'bundle (SDK in)', 'bundle (SDK external)', 'load, SDK in', 'load, SDK external', 'ratio'], rows);
  console.log(`median of ${RUNS} fresh ${process.version} processes each; targets: bundle <= 500 KiB, ratio <= 0.6\n`);
}

/**
 * Wall time from spawning the local cloud's CLI to its "ready" line, and its own measure. With
 * BENCH_BASELINE=<another checkout> (say, a worktree of an earlier commit, installed and packaged), the
 * baseline starts in turn with this checkout, run by run, so both are measured on the same machine at
 * the same time.
 */
async function benchStartup(): Promise<void> {
  const baseline = process.env.BENCH_BASELINE;
  const checkouts: Array<[string, string | undefined]> = [
    ['this checkout', undefined],
    ...(baseline ? [[`baseline ${baseline}`, baseline] as [string, string]] : []),
  ];
  const rows: string[][] = [];
  for (let run = 0; run < 3; run += 1) {
    for (const [label, checkout] of checkouts) {
      const started = performance.now();
      const cloud = await startBenchCloud(34566, checkout);
      rows.push([`run ${run + 1}, ${label}`, `${(performance.now() - started).toFixed(0)} ms`, `${cloud.startedInMs} ms`]);
      await cloud.stop();
    }
  }
  table(['local cloud start to ready', 'wall clock (CLI spawn to ready)', 'reported by the local cloud'], rows);
}

function table(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

if (process.env.BENCH_ONLY !== 'startup') await benchBundles();
await benchStartup();
