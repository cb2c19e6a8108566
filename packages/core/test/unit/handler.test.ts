import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { loadConfig } from '../../src/config';
import { ClientError } from '../../src/errors';
import { createHandler } from '../../src/handler';

const context = { functionName: 'fn', awsRequestId: 'req-1' } as Context;
let lines: Array<Record<string, unknown>> = [];

beforeEach(() => {
  lines = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
    return true;
  });
});
afterEach(() => {
  jest.restoreAllMocks();
});

describe('createHandler', () => {
  const schema = z.object({ name: z.string() });

  it('passes the parsed event and writes one log line with the handler fields', async () => {
    const handler = createHandler({ event: schema }, async (event, { log }) => {
      log({ greeted: event.name });
      return `hi ${event.name}`;
    });
    await expect(handler({ name: 'ada' }, context)).resolves.toBe('hi ada');
    await handler({ name: 'bob' }, context);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ function: 'fn', requestId: 'req-1', outcome: 'ok', greeted: 'ada', coldStart: true });
    expect(lines[1]).toMatchObject({ coldStart: false, greeted: 'bob' });
    expect(typeof lines[0]?.durationMs).toBe('number');
  });

  it('rejects an invalid event with a clear error and logs it as rejected by the caller', async () => {
    const handler = createHandler({ event: schema }, async () => 'never');
    await expect(handler({ name: 42 } as never, context)).rejects.toThrow(/Invalid event: .*name/s);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ outcome: 'rejected', level: 'WARN', error: { name: 'EventValidationError' } });
  });

  it('never swallows an unexpected error', async () => {
    const handler = createHandler({ event: schema, http: true }, async () => {
      throw new Error('database down');
    });
    await expect(handler({ name: 'x' }, context)).rejects.toThrow('database down');
    expect(lines[0]).toMatchObject({ outcome: 'error', error: { message: 'database down' } });
  });

  it('answers client errors of an HTTP handler with their status', async () => {
    const handler = createHandler({ event: schema, http: true }, async () => {
      throw new ClientError(409, 'already there', 'Conflict');
    });
    await expect(handler({ name: 'x' }, context)).resolves.toEqual({
      statusCode: 409,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: 'Conflict', message: 'already there' }),
    });
    const invalid = await handler({} as never, context);
    expect(invalid).toMatchObject({ statusCode: 400 });
    expect(lines.map((line) => line.outcome)).toEqual(['rejected', 'rejected']);
  });
});

describe('loadConfig', () => {
  it('names the missing variable', () => {
    expect(() => loadConfig(z.object({ TABLE: z.string() }), {})).toThrow(/Invalid configuration.*TABLE/s);
  });

  it('returns the parsed values', () => {
    expect(loadConfig(z.object({ N: z.pipe(z.string(), z.transform(Number)) }), { N: '3' })).toEqual({ N: 3 });
  });
});
