// zod/mini keeps bundles small (classic zod adds ~90 KiB to every function); its messages are
// generic until a locale is loaded, so load English once, here, for every schema in the process.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());

export type Schema = z.ZodMiniType;

/** Parses or returns a readable, multi-line description of every problem. */
export function parse<S extends Schema>(schema: S, value: unknown): { ok: true; value: z.infer<S> } | { ok: false; problems: string } {
  const result = z.safeParse(schema, value);
  return result.success ? { ok: true, value: result.data } : { ok: false, problems: z.prettifyError(result.error) };
}
