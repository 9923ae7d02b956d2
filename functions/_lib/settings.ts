import { z } from 'zod';
import { readEnv } from '../../shared/core/config.ts';
import { parseBudgets } from './budgets.ts';

const Settings = z.object({
  /** Attempts per sub-task before the supervisor escalates. */
  AGENTS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /** First retry delay; doubles per attempt. */
  AGENTS_RETRY_BASE_MS: z.coerce.number().int().min(0).max(600_000).default(2_000),
  /** How long a dispatched attempt may run before the supervisor counts it as timed out. */
  AGENTS_SUBTASK_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(120_000),
  /**
   * How often the supervisor looks for due retries and timed-out attempts. Every minute by default, the
   * finest grain every platform schedules (Knative PingSource, Container Apps jobs); the local host
   * also takes 6-field schedules with seconds, e.g. '*\/5 * * * * *'.
   */
  AGENTS_SWEEP_SCHEDULE: z.string().min(1).default('* * * * *'),
  /** How long a sub-task waits for a person's approval (POST /tasks/:id/input) before it counts as refused. */
  AGENTS_APPROVAL_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(7 * 86_400_000)
    .default(3_600_000),
  /**
   * Token and USD caps per agent, JSON: {"default": {"sessionTokens": n, "dailyTokens": n, "sessionUsd"?: usd,
   * "dailyUsd"?: usd}, "<agent>": {...}}; an agent's entry overrides the default's fields.
   */
  AGENTS_BUDGETS: z.string().optional(),
  /** How long a session's recent turns stay in KV after its last use (seed: 24 h). */
  AGENTS_SESSION_TTL_MS: z.coerce
    .number()
    .int()
    .min(60_000)
    .max(30 * 86_400_000)
    .default(86_400_000),
  /** How long a model call's budget reservation holds when its call never settles (a crash). */
  AGENTS_BUDGET_RESERVATION_TTL_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(600_000),
  /** Tasks one caller (JWT `sub`) may submit per minute with POST /tasks; past it, 429 with Retry-After. */
  AGENTS_SUBMIT_RATE_PER_MIN: z.coerce.number().int().min(1).max(1_000_000).default(120),
});

export type AgentSettings = z.output<typeof Settings>;

/**
 * The supervision settings, validated at start (a bad value names the variable).
 * @example settings.AGENTS_MAX_ATTEMPTS // 3
 */
export const settings: AgentSettings = readEnv(Settings, process.env);

/**
 * The caps of an agent by name, from AGENTS_BUDGETS (a bad value stops the host at start, naming it).
 * @example budgetCaps('research') // { sessionTokenCap: 200000, dailyTokenCap: 5000000 }
 */
export const budgetCaps = parseBudgets(settings.AGENTS_BUDGETS);

/**
 * Delay before attempt `next` (2, 3, ...): the base doubled per earlier retry.
 * @example retryDelayMs(2) // 2000 with the default base
 */
export function retryDelayMs(next: number): number {
  return settings.AGENTS_RETRY_BASE_MS * 2 ** Math.max(0, next - 2);
}
