// The local Lambda runtime: warm reuse, concurrency, timeouts, errors and REPORT lines.
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { LocalFunction } from '../../src/services/lambda/runtime';

const codeDir = fileURLToPath(new URL('../fixtures/functions', import.meta.url));
const lines: string[] = [];
const functions: LocalFunction[] = [];

function localFunction(handler: string, timeoutSeconds = 3, maxConcurrency = 4): LocalFunction {
  const fn = new LocalFunction(
    {
      service: 'fixture',
      logicalId: handler,
      name: `fixture-${handler}`,
      arn: `arn:aws:lambda:us-east-1:000000000000:function:fixture-${handler}`,
      handler: `handlers.${handler}`,
      codeDir,
      timeoutSeconds,
      memoryMb: 128,
      roleArn: 'arn:aws:iam::000000000000:role/fixture',
      runtime: 'nodejs22.x',
      description: '',
      architectures: ['arm64'],
      templateVariables: {},
      codeSize: 0,
      codeSha256: '',
      lastModified: '',
      permissions: [],
      environment: { GREETING: 'hello' },
    },
    (line) => lines.push(line),
    maxConcurrency,
  );
  functions.push(fn);
  return fn;
}

afterAll(async () => {
  await Promise.all(functions.map((fn) => fn.stop()));
});

describe('LocalFunction', () => {
  it('keeps a worker warm: the second invocation reuses the loaded module and reports no init', async () => {
    const fn = localFunction('echo');
    const first = await fn.invoke({ n: 1 });
    const second = await fn.invoke({ n: 2 });
    expect(first).toMatchObject({ ok: true, result: { event: { n: 1 }, invocations: 1, env: 'hello' } });
    expect(second).toMatchObject({ ok: true, result: { event: { n: 2 }, invocations: 2 } });
    const [a, b] = [first, second].map((result) => (result.ok ? (result.result as { loadedAt: number; remaining: number }) : undefined));
    expect(b?.loadedAt).toBe(a?.loadedAt);
    expect(a?.remaining).toBeGreaterThan(2_000);
    const reports = lines.filter((line) => line.startsWith('[fixture-echo] REPORT'));
    expect(reports).toHaveLength(2);
    expect(reports[0]).toMatch(/Duration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms/);
    expect(reports[1]).not.toContain('Init Duration');
  });

  it("reports the worker's own peak memory, not what the process that forked it held", async () => {
    // Resident in this process when the worker is forked: getrusage's maxRSS would count it.
    const held = Buffer.alloc(300 * 1024 * 1024, 1);
    const fn = localFunction('allocate');
    const small = await fn.invoke({ mb: 1 });
    const large = await fn.invoke({ mb: 120 });
    expect(held.length).toBeGreaterThan(0);
    expect([small.ok, large.ok]).toEqual([true, true]);
    const used = lines.filter((line) => line.startsWith('[fixture-allocate] REPORT')).map((line) => Number(/Max Memory Used: (\d+) MB/.exec(line)?.[1]));
    const [afterSmall = Number.NaN, afterLarge = Number.NaN] = used;
    expect(used).toHaveLength(2);
    expect(afterSmall).toBeLessThan(120);
    expect(afterLarge).toBeGreaterThanOrEqual(afterSmall + 100);
  });

  it('runs concurrent invocations in separate workers, up to its concurrency', async () => {
    const fn = localFunction('slow', 5, 2);
    const started = Date.now();
    const results = await Promise.all([fn.invoke({ ms: 300 }), fn.invoke({ ms: 300 }), fn.invoke({ ms: 300 })]);
    expect(results.every((result) => result.ok)).toBe(true);
    // Two run at once and the third waits for a free worker, so it ends after two rounds.
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
  });

  it('stops an invocation at its timeout, as Lambda does, and recovers with a fresh worker', async () => {
    const fn = localFunction('slow', 1);
    await expect(fn.invoke({ ms: 5_000 })).resolves.toMatchObject({
      ok: false,
      error: { errorType: 'Sandbox.Timedout', errorMessage: expect.stringContaining('Task timed out after 1.00 seconds') },
    });
    expect(lines.some((line) => line.startsWith('[fixture-slow] REPORT') && line.includes('Status: timeout'))).toBe(true);
    await expect(fn.invoke({ ms: 10 })).resolves.toMatchObject({ ok: true, result: 'done' });
  });

  it('returns a thrown error in the shape Lambda reports it', async () => {
    await expect(localFunction('fail').invoke({})).resolves.toMatchObject({ ok: false, error: { errorType: 'TypeError', errorMessage: 'bad input' } });
  });

  it('reports a worker that exits mid-invocation', async () => {
    await expect(localFunction('crash').invoke({})).resolves.toMatchObject({ ok: false, error: { errorType: 'Runtime.ExitError' } });
  });

  it('reports a handler that is not exported', async () => {
    await expect(localFunction('missing').invoke({})).resolves.toMatchObject({ ok: false, error: { errorType: 'Runtime.HandlerNotFound' } });
  });
});
