import { estimateCostUsd, type PriceTable } from '../../shared/agent/llm/prices.ts';
import type { SqlTx } from '../../shared/core/index.ts';

/** One line of the daily report: an agent, a model or a session. */
export interface UsageLine {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** What the runner recorded per call (the price table of the day of the call). */
  recordedCostUsd: number;
  /** What today's price table says. */
  estimatedCostUsd: number;
}

export type AgentUsageLine = UsageLine & { agent: string };
export type ModelUsageLine = UsageLine & { model: string };
export type SessionUsageLine = UsageLine & { sessionId: string };

/** The day's report: cost by agent, by model and by session (the costliest sessions). */
export interface UsageReport {
  day: string;
  agents: AgentUsageLine[];
  models: ModelUsageLine[];
  sessions: SessionUsageLine[];
  totals: { totalTokens: number; estimatedCostUsd: number };
}

/** How many sessions the report lists, costliest first. */
export const REPORTED_SESSIONS = 100;

type Row = {
  agent: string;
  model: string;
  session_id: string;
  calls: string;
  prompt: string;
  completion: string;
  total: string;
  cost: string;
};

/**
 * Sums one UTC day of agent_token_ledger by agent, model and session.
 * @example const report = await usageReport(ctx.sql, '2026-12-02', prices)
 */
export async function usageReport(sql: SqlTx, day: string, prices: PriceTable): Promise<UsageReport> {
  // Per agent, model and session: the finest grain every breakdown is summed from (one statement).
  const { rows } = await sql.query<Row>(
    `SELECT agent, model, session_id, count(*) AS calls, COALESCE(SUM(prompt_tokens), 0) AS prompt,
            COALESCE(SUM(completion_tokens), 0) AS completion, COALESCE(SUM(total_tokens), 0) AS total,
            COALESCE(SUM(cost_usd), 0) AS cost
       FROM agent_token_ledger WHERE usage_day = $1 GROUP BY agent, model, session_id`,
    [day],
  );
  const agents = new Map<string, AgentUsageLine>();
  const models = new Map<string, ModelUsageLine>();
  const sessions = new Map<string, SessionUsageLine>();
  for (const r of rows) {
    const usage = { promptTokens: Number(r.prompt), completionTokens: Number(r.completion) };
    const add: UsageLine = {
      calls: Number(r.calls),
      ...usage,
      totalTokens: Number(r.total),
      recordedCostUsd: Number(r.cost),
      estimatedCostUsd: estimateCostUsd(r.model, usage, prices),
    };
    addTo(agents, r.agent, { agent: r.agent }, add);
    addTo(models, r.model, { model: r.model }, add);
    addTo(sessions, r.session_id, { sessionId: r.session_id }, add);
  }
  const byCost = (a: UsageLine, b: UsageLine) =>
    b.estimatedCostUsd - a.estimatedCostUsd || b.totalTokens - a.totalTokens;
  const agentLines = [...agents.values()].sort((a, b) => b.totalTokens - a.totalTokens);
  return {
    day,
    agents: agentLines,
    models: [...models.values()].sort(byCost),
    sessions: [...sessions.values()].sort(byCost).slice(0, REPORTED_SESSIONS),
    totals: {
      totalTokens: agentLines.reduce((t, a) => t + a.totalTokens, 0),
      estimatedCostUsd: agentLines.reduce((t, a) => t + a.estimatedCostUsd, 0),
    },
  };
}

function addTo<K extends object>(lines: Map<string, UsageLine & K>, key: string, name: K, add: UsageLine): void {
  const line = lines.get(key) ?? {
    ...name,
    calls: 0,
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    recordedCostUsd: 0,
    estimatedCostUsd: 0,
  };
  line.calls += add.calls;
  line.promptTokens += add.promptTokens;
  line.completionTokens += add.completionTokens;
  line.totalTokens += add.totalTokens;
  line.recordedCostUsd += add.recordedCostUsd;
  line.estimatedCostUsd += add.estimatedCostUsd;
  lines.set(key, line);
}
