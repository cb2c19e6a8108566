import type * as z from 'zod/mini';
import { parse, type Schema } from './validation';

/** Parses the environment once, at cold start; a missing or bad value fails loudly, naming the variable. */
export function loadConfig<S extends Schema>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = parse(schema, env);
  if (!result.ok) throw new Error(`Invalid configuration in the environment:\n${result.problems}`);
  return result.value;
}

/**
 * For the settings only some of a service's functions have: `required(name)` fails at cold start,
 * naming the variable, in a function whose handler needs a value its environment lacks.
 */
export function requiredFrom<C extends Record<string, unknown>>(config: C) {
  return <K extends keyof C>(name: K): NonNullable<C[K]> => {
    const value = config[name];
    if (value === undefined) throw new Error(`${String(name)} is not set in this function's environment`);
    return value as NonNullable<C[K]>;
  };
}
