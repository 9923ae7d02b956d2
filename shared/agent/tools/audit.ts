import type { SqlTx } from '../../core/ports.ts';

export type ToolCallStatus = 'ok' | 'refused' | 'invalid' | 'error';

export interface ToolAuditRow {
  agent: string;
  tool: string;
  taskId: string;
  sessionId: string;
  step: number;
  callIndex: number;
  status: ToolCallStatus;
  error: string | undefined;
  durationMs: number;
}

/**
 * Records one tool call in `agent_tool_calls`.
 * @example await recordToolCall(sql, { agent, tool: 'notify', taskId, sessionId, step: 1, callIndex: 0, status: 'ok', error: undefined, durationMs: 12 })
 */
export async function recordToolCall(sql: SqlTx, row: ToolAuditRow): Promise<void> {
  await sql.query(
    `INSERT INTO agent_tool_calls (agent, tool, task_id, session_id, step, call_index, status, error, duration_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      row.agent,
      row.tool,
      row.taskId,
      row.sessionId,
      row.step,
      row.callIndex,
      row.status,
      row.error ?? null,
      Math.round(row.durationMs),
    ],
  );
}
