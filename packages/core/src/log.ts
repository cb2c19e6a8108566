/** Writes one JSON object on one line, so interleaved invocations stay readable. */
export function logLine(fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(fields, errorReplacer)}\n`);
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
