import { z } from 'zod';
import { estimateCostUsd, parsePriceTable, type PriceTable } from '../../shared/agent/llm/prices.ts';
import { readEnv } from '../../shared/core/config.ts';
import { cron, defineFunction } from '../../shared/core/index.ts';
import { heartbeat } from '../_ops/heartbeat.ts';

const config = readEnv(
  z.object({
    HEARTH_USAGE_REPORT_SCHEDULE: z.string().min(1).default('15 0 * * *'),
    HEARTH_USAGE_REPORT_TOPIC: z.string().min(1).default('agent.usage.report'),
    HEARTH_LLM_PRICES: z.string().optional(),
  }),
  process.env,
);
const prices: PriceTable = config.HEARTH_LLM_PRICES ? parsePriceTable(config.HEARTH_LLM_PRICES) : {};

/** One agent's line of the daily report. */
export interface AgentUsageLine {
  agent: string;
  calls: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  recordedCostUsd: number;
  estimatedCostUsd: number;
}

type LedgerRow = {
  agent: string;
  model: string;
  calls: string;
  prompt: string;
  completion: string;
  total: string;
  cost: string;
};

/**
 * Daily token and cost report: for the UTC day before the tick, sums agent_token_ledger per agent (and
 * model, to price it with HEARTH_LLM_PRICES), upserts one hearth_usage_reports row per agent and emits
 * the report on HEARTH_USAGE_REPORT_TOPIC, both exactly once per tick.
 */
export default defineFunction({
  name: 'usage-report',
  trigger: cron({ schedule: config.HEARTH_USAGE_REPORT_SCHEDULE, catchUp: 'latest' }),
  handler: async ({ scheduledAt }, ctx) => {
    await heartbeat('usage-report', ctx);
    const day = new Date(scheduledAt.getTime() - 86_400_000).toISOString().slice(0, 10);
    const { rows } = await ctx.sql.query<LedgerRow>(
      `SELECT agent, model, count(*) AS calls, COALESCE(SUM(prompt_tokens), 0) AS prompt,
              COALESCE(SUM(completion_tokens), 0) AS completion, COALESCE(SUM(total_tokens), 0) AS total,
              COALESCE(SUM(cost_usd), 0) AS cost
         FROM agent_token_ledger WHERE usage_day = $1 GROUP BY agent, model ORDER BY agent, model`,
      [day],
    );
    const lines = new Map<string, AgentUsageLine>();
    for (const r of rows) {
      const line = lines.get(r.agent) ?? {
        agent: r.agent,
        calls: 0,
        promptTokens: 0,
        completionTokens: 0,
        totalTokens: 0,
        recordedCostUsd: 0,
        estimatedCostUsd: 0,
      };
      const usage = { promptTokens: Number(r.prompt), completionTokens: Number(r.completion) };
      line.calls += Number(r.calls);
      line.promptTokens += usage.promptTokens;
      line.completionTokens += usage.completionTokens;
      line.totalTokens += Number(r.total);
      line.recordedCostUsd += Number(r.cost);
      line.estimatedCostUsd += estimateCostUsd(r.model, usage, prices);
      lines.set(r.agent, line);
    }
    const agents = [...lines.values()].sort((a, b) => b.totalTokens - a.totalTokens);
    for (const a of agents) {
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
    const totals = agents.reduce(
      (t, a) => ({
        totalTokens: t.totalTokens + a.totalTokens,
        estimatedCostUsd: t.estimatedCostUsd + a.estimatedCostUsd,
      }),
      { totalTokens: 0, estimatedCostUsd: 0 },
    );
    ctx.emit(config.HEARTH_USAGE_REPORT_TOPIC, { day, agents, totals }, { key: day });
    ctx.log.info('usage report published', { day, agents: agents.length });
    return { day, agents: agents.length };
  },
});
