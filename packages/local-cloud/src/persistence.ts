import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CloudContext } from './context';

/**
 * What --persist keeps of the account, in files under the context's persistDir: each module keeps
 * its part as AWS would keep it, written so that a kill at any moment leaves either the old or the
 * new content (a temporary file renamed over, or whole lines appended), never a torn file. Without
 * --persist these are never read or written, so a start begins from nothing.
 */
export function persistedPath(context: CloudContext, name: string): string | undefined {
  return context.persistDir ? join(context.persistDir, name) : undefined;
}

/** Replaces a file's content at once: rename is atomic, so a reader (or the next start) sees one version or the other. */
export function writeFileAtomic(file: string, content: string | Buffer): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}

export function readJson<T>(file: string | undefined): T | undefined {
  if (!file || !existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function writeJson(file: string | undefined, value: unknown): void {
  if (file) writeFileAtomic(file, `${JSON.stringify(value, keepBuffers)}\n`);
}

/** Buffers as base64 (JSON's own form for them is an array of numbers), read back by reviveBuffers. */
function keepBuffers(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  return Buffer.isBuffer(original) ? { $buffer: original.toString('base64') } : value;
}

export function reviveBuffers(_key: string, value: unknown): unknown {
  const encoded = (value as { $buffer?: unknown } | null)?.$buffer;
  return typeof encoded === 'string' ? Buffer.from(encoded, 'base64') : value;
}

/** Appends one record as one line; a line cut short by a kill is the last one, and readLines skips it. */
export function appendLine(file: string | undefined, value: unknown): void {
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, jsonLine(value));
}

/** A record as one line of JSON, Buffers kept as base64. */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value, keepBuffers)}\n`;
}

/** The whole lines of a file appended to by appendLine (a torn last line, left by a kill, is skipped and said). */
export function readLines<T>(file: string | undefined, log: (line: string) => void): T[] {
  if (!file || !existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const records: T[] = [];
  for (const [index, line] of lines.entries()) {
    if (!line) continue;
    try {
      records.push(JSON.parse(line, reviveBuffers) as T);
    } catch {
      if (index < lines.length - 1) throw new Error(`${file}: line ${index + 1} is not JSON`);
      log(`${file}: its last line was cut short by a kill (${line.length} bytes); skipped`);
    }
  }
  return records;
}

/** One JSON file per record in a folder (a record changes alone, by rename), for state kept per item. */
export class RecordFolder<T> {
  constructor(private readonly dir: string | undefined) {}

  private file(id: string): string {
    return join(this.dir ?? '', `${encodeURIComponent(id)}.json`);
  }

  write(id: string, record: T): void {
    if (this.dir) writeJson(this.file(id), record);
  }

  delete(id: string): void {
    if (this.dir) rmSync(this.file(id), { force: true });
  }

  all(): T[] {
    const dir = this.dir;
    if (!dir || !existsSync(dir)) return [];
    const names = readdirSync(dir);
    // A temporary file is a write a kill cut short: the record it was to replace is whole.
    for (const name of names.filter((entry) => entry.endsWith('.tmp'))) rmSync(join(dir, name), { force: true });
    return names.filter((name) => name.endsWith('.json')).map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8'), reviveBuffers) as T);
  }
}
