import { z } from 'zod';
import { topics } from '../_lib/topics.ts';
import { readEnv } from '../../shared/core/config.ts';

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

const Env = z.object({
  HEARTH_SWEEPER_SCHEDULE: z.string().min(1).default('* * * * *'),
  /**
   * The tasks table: needs `id` (text), `status` (text) and `updated_at` (timestamptz, bumped on
   * progress). Default: the orchestrator's agents_tasks (functions/orchestrator/migrations).
   */
  HEARTH_SWEEPER_TASKS_TABLE: z.string().regex(IDENT, 'must be a plain SQL identifier').default('agents_tasks'),
  /** Statuses of tasks that should be making progress. */
  HEARTH_SWEEPER_ACTIVE_STATUSES: z
    .string()
    .default('queued,running')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  /** A task whose updated_at is older than this is stuck. */
  HEARTH_SWEEPER_STUCK_AFTER_MS: z.coerce.number().int().min(1).default(600_000),
  HEARTH_SWEEPER_BATCH: z.coerce.number().int().min(1).max(10_000).default(200),
  /** Where stuck tasks are handed to the supervisor. */
  HEARTH_SUPERVISOR_TOPIC: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a Kafka topic name')
    .default(topics.supervisor),
});

/** The sweeper's configuration (see the variables above). */
export type SweeperConfig = z.output<typeof Env>;

/**
 * Reads the sweeper's variables; a bad one throws a ConfigError naming it.
 * @example const cfg = sweeperConfig(process.env)
 */
export function sweeperConfig(env: Record<string, string | undefined>): SweeperConfig {
  return readEnv(Env, env);
}
