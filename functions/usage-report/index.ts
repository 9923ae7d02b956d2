import { z } from 'zod';
import { parsePriceTable, type PriceTable } from '../../shared/agent/llm/prices.ts';
import { readEnv } from '../../shared/core/config.ts';
import { cron, defineFunction } from '../../shared/core/index.ts';
import { heartbeat } from '../_ops/heartbeat.ts';
import { usageReport } from './report.ts';

const config = readEnv(
  z.object({
    HEARTH_USAGE_REPORT_SCHEDULE: z.string().min(1).default('15 0 * * *'),
    HEARTH_USAGE_REPORT_TOPIC: z.string().min(1).default('agent.usage.report'),
    HEARTH_LLM_PRICES: z.string().optional(),
  }),
  process.env,
);
const prices: PriceTable = config.HEARTH_LLM_PRICES ? parsePriceTable(config.HEARTH_LLM_PRICES) : {};

/**
 * Daily token and cost report: for the UTC day before the tick, sums agent_token_ledger by agent, model
 * and session (priced with HEARTH_LLM_PRICES), upserts one hearth_usage_reports row per agent and emits
 * the whole report on HEARTH_USAGE_REPORT_TOPIC, both exactly once per tick.
 */
export default defineFunction({
  name: 'usage-report',
  trigger: cron({ schedule: config.HEARTH_USAGE_REPORT_SCHEDULE, catchUp: 'latest' }),
  handler: async ({ scheduledAt }, ctx) => {
    await heartbeat('usage-report', ctx);
    const day = new Date(scheduledAt.getTime() - 86_400_000).toISOString().slice(0, 10);
    const report = await usageReport(ctx.sql, day, prices);
    for (const a of report.agents) {
      await ctx.sql.query(
        `INSERT INTO hearth_usage_reports (day, agent, calls, prompt_tokens, completion_tokens, total_tokens, recorded_cost_usd, estimated_cost_usd)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (day, agent) DO UPDATE SET calls = excluded.calls, prompt_tokens = excluded.prompt_tokens,
           completion_tokens = excluded.completion_tokens, total_tokens = excluded.total_tokens,
           recorded_cost_usd = excluded.recorded_cost_usd, estimated_cost_usd = excluded.estimated_cost_usd, created_at = now()`,
        [
          day,
          a.agent,
          a.calls,
          a.promptTokens,
          a.completionTokens,
          a.totalTokens,
          a.recordedCostUsd.toFixed(6),
          a.estimatedCostUsd.toFixed(6),
        ],
      );
    }
    ctx.emit(config.HEARTH_USAGE_REPORT_TOPIC, report, { key: day });
    ctx.log.info('usage report published', { day, agents: report.agents.length });
    return { day, agents: report.agents.length };
  },
});
