import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from '@zero-idle/core';
import { type ApiRow, apiResponse } from '../domain/prices';

export interface FetchOptions {
  weeks: number;
  timeoutMs: number;
  attempts: number;
}

/** The API failed in a way worth telling apart in the log: down, slow, or sending something else. */
export class PriceApiError extends Error {
  override name = 'PriceApiError';
}

/**
 * The latest weeks of dataset nqur-w4p7, newest first (`$order=date DESC`, `$limit`), validated whole.
 * Each attempt has a timeout; a failed attempt is retried with backoff, a bounded number of times.
 */
export async function fetchLatestWeeks(url: string, options: FetchOptions): Promise<{ rows: ApiRow[]; attempts: number }> {
  const query = new URL(url);
  query.searchParams.set('$order', 'date DESC');
  query.searchParams.set('$limit', String(options.weeks));
  let lastError: unknown;
  for (let attempt = 1; attempt <= options.attempts; attempt += 1) {
    try {
      return { rows: await fetchOnce(query, options.timeoutMs), attempts: attempt };
    } catch (error) {
      lastError = error;
      if (attempt < options.attempts) await sleep(200 * 2 ** (attempt - 1));
    }
  }
  throw new PriceApiError(`${query.origin}${query.pathname} failed ${options.attempts} times; last: ${(lastError as Error).message}`);
}

async function fetchOnce(url: URL, timeoutMs: number): Promise<ApiRow[]> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error as Error).message;
    throw new PriceApiError(reason);
  }
  const text = await response.text();
  if (!response.ok) throw new PriceApiError(`HTTP ${response.status}: ${text.slice(0, 200)}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new PriceApiError(`not JSON: ${text.slice(0, 200)}`);
  }
  const result = parse(apiResponse, body);
  if (!result.ok) throw new PriceApiError(`unexpected data: ${result.problems.slice(0, 500)}`);
  return result.value as ApiRow[];
}
