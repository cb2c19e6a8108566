import type * as z from 'zod/mini';
import { parse, type Schema } from './validation';

/** Parses the environment once, at cold start; a missing or bad value fails loudly, naming the variable. */
export function loadConfig<S extends Schema>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = parse(schema, env);
  if (!result.ok) throw new Error(`Invalid configuration in the environment:\n${result.problems}`);
  return result.value;
}
