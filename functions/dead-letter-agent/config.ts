import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readEnv } from '../../shared/core/config.ts';
import type { RequeuePolicy } from './policy.ts';

/** Everything the dead-letter agent is configured with. */
export interface DeadLetterAgentConfig {
  /** Dead-letter topics consumed. */
  topics: string[];
  policy: RequeuePolicy;
  /** Schedule of the re-queue pass (5 fields; 6 with seconds on the local host only). */
  requeueSchedule: string;
}

const Env = z.object({
  /** Comma-separated dead-letter topics; default `<folder>.dlq` for every function folder beside this one. */
  HEARTH_DEAD_LETTER_TOPICS: z.string().optional(),
  HEARTH_DLQ_MAX_REQUEUES: z.coerce.number().int().min(0).max(100).default(3),
  HEARTH_DLQ_REQUEUE_BASE_MS: z.coerce.number().int().min(0).default(60_000),
  HEARTH_DLQ_REQUEUE_MAX_MS: z.coerce.number().int().min(0).default(3_600_000),
  HEARTH_DLQ_REQUEUE_SCHEDULE: z.string().min(1).default('* * * * *'),
});

/**
 * Reads the agent's configuration; a bad variable throws a ConfigError naming it.
 * @example const config = deadLetterAgentConfig(process.env)
 */
export function deadLetterAgentConfig(env: Record<string, string | undefined>): DeadLetterAgentConfig {
  const cfg = readEnv(Env, env);
  const listed = cfg.HEARTH_DEAD_LETTER_TOPICS?.split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return {
    topics: listed && listed.length > 0 ? listed : defaultTopics(),
    policy: {
      maxRequeues: cfg.HEARTH_DLQ_MAX_REQUEUES,
      baseDelayMs: cfg.HEARTH_DLQ_REQUEUE_BASE_MS,
      maxDelayMs: cfg.HEARTH_DLQ_REQUEUE_MAX_MS,
    },
    requeueSchedule: cfg.HEARTH_DLQ_REQUEUE_SCHEDULE,
  };
}

/**
 * The default dead-letter topics: one per function folder (functions are named after their folder, and
 * dead-letter to `<name>.dlq` by default). The agent's own topic is left out so a failure here cannot loop.
 */
function defaultTopics(): string[] {
  const dir = path.resolve(import.meta.dirname, '..');
  const own = path.basename(import.meta.dirname);
  return (
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('_') && e.name !== own)
      // index.ts beside the sources, index.js in a built host (dist/).
      .filter((e) => ['index.ts', 'index.js'].some((index) => existsSync(path.join(dir, e.name, index))))
      .map((e) => `${e.name}.dlq`)
      .sort()
  );
}
