import type { z } from 'zod';
import { BadInputError } from './errors.ts';

/**
 * Formats zod issues as `path: message` lines joined by `; ` (the root path reads `(root)`).
 * @example formatIssues(result.error.issues) // "amount: Invalid input: expected number, received string"
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Validates `value` against `schema`, throwing a schema-invalid {@link BadInputError} on failure.
 * @example const order = parseWith(OrderSchema, json)
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new BadInputError('schema-invalid', formatIssues(result.error.issues));
  return result.data;
}
