import { z } from 'zod';
import { ConfigError } from './errors.ts';

/**
 * Reads environment variables through a zod object schema; the first problem stops the process with a
 * {@link ConfigError} naming the variable and what is wrong with it.
 * @example const cfg = readEnv(z.object({ PORT: z.coerce.number().int() }), process.env)
 */
export function readEnv<S extends z.ZodObject>(schema: S, env: Record<string, string | undefined>): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = issue?.path.map(String).join('.') || '(environment)';
  const got = env[variable];
  const shown = got === undefined ? 'it is not set' : `got "${got.length > 80 ? `${got.slice(0, 80)}...` : got}"`;
  throw new ConfigError(variable, `is invalid: ${issue?.message ?? 'unknown problem'} (${shown})`);
}

/** A comma-separated list of host:port pairs, e.g. "localhost:9092,kafka-2:9092". */
export const hostPortList = z
  .string()
  .min(1, 'must list at least one host:port')
  .transform((value) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .refine((list) => list.every((entry) => /^[^\s:]+:\d{1,5}$/.test(entry)), 'must be comma-separated host:port pairs');
