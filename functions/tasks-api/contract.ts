/**
 * Seed 001's AgentTask fields, in its snake_case spelling, shared by POST /tasks and POST /run. Unknown
 * fields are a 400 naming them; a camelCase spelling of a contract field gets the right one.
 */
import { z } from 'zod';

/** Metadata is stored with the task and returned as given; this bounds its JSON size. */
export const METADATA_MAX_BYTES = 8 * 1024;

const CAMEL_CASE: Record<string, string> = {
  sessionId: 'session_id',
  maxSteps: 'max_steps',
  tokenBudget: 'token_budget',
};

export const agentTaskFields = {
  /** The conversation this task continues; absent opens a new one (its id is in the answer). */
  session_id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, 'a session id is 1 to 128 letters, digits, ".", "_", ":" or "-"')
    .optional(),
  metadata: z
    .record(z.string(), z.unknown())
    .refine((value) => Buffer.byteLength(JSON.stringify(value)) <= METADATA_MAX_BYTES, {
      message: `must be at most ${METADATA_MAX_BYTES} bytes of JSON`,
    })
    .optional(),
  /** Model steps each agent run may take (seed: 1-25, default 10). */
  max_steps: z.number().int().min(1).max(25).optional(),
  /** Tokens the task may spend in all (seed: 512-32,768, default 8,192 per agent run). */
  token_budget: z.number().int().min(512).max(32_768).optional(),
};

/**
 * A strict request object: unknown fields are refused by name, with the contract's spelling when a
 * camelCase one was sent.
 * @example const Body = strictRequest({ prompt: z.string(), ...agentTaskFields })
 */
export function strictRequest<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const names = issue.keys.map((k) => (CAMEL_CASE[k] ? `"${k}" (spelled "${CAMEL_CASE[k]}")` : `"${k}"`));
      return `unknown field${names.length > 1 ? 's' : ''} ${names.join(', ')}`;
    },
  });
}

/** The contract fields of a request, as the tasks table stores them. */
export type AgentTaskFields = {
  session_id?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
  max_steps?: number | undefined;
  token_budget?: number | undefined;
};
