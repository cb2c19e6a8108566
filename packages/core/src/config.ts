import * as z from 'zod';

/** Parses the environment once, at cold start; a missing or bad value fails loudly, naming the variable. */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new Error(`Invalid configuration in the environment:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}
