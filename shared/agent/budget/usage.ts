import type { SqlTx } from '../../core/ports.ts';

/** One model call's token usage, as recorded in the ledger. */
export interface UsageEntry {
  agent: string;
  sessionId: string;
  taskId: string;
  step: number;
  /** UTC day (YYYY-MM-DD) the call counts toward; the same day its reservation was made for. */
  day: string;
  /** The task-wide budget group the call counts toward, when there is one. */
  budgetGroup?: string | undefined;
  model: string;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  costUsd: number;
}

/**
 * The token ledger (`agent_token_ledger`): one row per model call, per agent, UTC day, session, task and
 * budget group. It is the truth that budgets' KV counters are rebuilt from (see budget.ts).
 */
export class UsageLedger {
  readonly #sql: SqlTx;

  constructor(sql: SqlTx) {
    this.#sql = sql;
  }

  /**
   * Writes the ledger row of a task's step, once: a replayed step finds its row and records nothing.
   * Returns whether this call wrote it.
   * @example await ledger.record({ agent, sessionId, taskId, step: 1, day: '2026-12-03', model: 'gpt-4o-mini', promptTokens: 100, completionTokens: 20, totalTokens: 120, costUsd: 0.0001 })
   */
  async record(entry: UsageEntry, tx: SqlTx = this.#sql): Promise<boolean> {
    // Runs of one task never overlap (a durable execution holds a lease), so "if absent" is enough.
    const { rowCount } = await tx.query(
      `INSERT INTO agent_token_ledger (agent, session_id, task_id, step, usage_day, budget_group, model, prompt_tokens, completion_tokens, total_tokens, cost_usd)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11
        WHERE NOT EXISTS (SELECT 1 FROM agent_token_ledger WHERE task_id = $3 AND step = $4)`,
      [
        entry.agent,
        entry.sessionId,
        entry.taskId,
        entry.step,
        entry.day,
        entry.budgetGroup ?? null,
        entry.model,
        entry.promptTokens,
        entry.completionTokens,
        entry.totalTokens,
        entry.costUsd,
      ],
    );
    return rowCount > 0;
  }
}
