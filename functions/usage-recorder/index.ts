import { z } from 'zod';
import { defineFunction, kafka } from '../../shared/core/index.ts';

/** One LLM call's token usage, as agents report it. */
export const UsageEvent = z.object({
  agent: z.string().min(1).max(64),
  sessionId: z.string().min(1).max(128),
  model: z.string().min(1).max(128),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  at: z.iso.datetime().optional(),
});

/**
 * Records agent token usage: adds it to the per-agent daily totals in SQL (exactly once per event),
 * bumps a fast KV counter for dashboards, and announces the new total.
 */
export default defineFunction({
  name: 'usage-recorder',
  trigger: kafka({ topic: 'agent.usage', schema: UsageEvent }),
  retries: 5,
  handler: async (usage, { sql, kv, emit, meta }) => {
    const day = (usage.at ?? new Date().toISOString()).slice(0, 10);
    const tokens = usage.inputTokens + usage.outputTokens;
    const { rows } = await sql.query<{ total_tokens: string }>(
      `INSERT INTO example_usage_daily (agent, day, calls, total_tokens)
       VALUES ($1, $2, 1, $3)
       ON CONFLICT (agent, day) DO UPDATE
         SET calls = example_usage_daily.calls + 1,
             total_tokens = example_usage_daily.total_tokens + excluded.total_tokens
       RETURNING total_tokens`,
      [usage.agent, day, tokens],
    );
    const total = Number(rows[0]?.total_tokens ?? tokens);
    // A cache for dashboards only: SQL above is the source of truth, so this may lag after a retry.
    await kv.set(`usage:${usage.agent}:${day}`, total, { ttlMs: 2 * 86_400_000 });
    emit(
      'agent.usage.recorded',
      { agent: usage.agent, day, totalTokens: total, sourceEvent: meta.id },
      { key: usage.agent },
    );
  },
});
