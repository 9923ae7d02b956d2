import type { SqlTx } from '../../core/ports.ts';
import type { ChatMessage } from '../llm/types.ts';
import type { ToolCallRecord } from '../types/task.ts';

/** Everything needed to continue a run after its last completed step. */
export interface Checkpoint {
  taskId: string;
  sessionId: string;
  agent: string;
  /** The last step that completed (model answered and its tool calls ran). */
  step: number;
  tokensUsed: number;
  messages: ChatMessage[];
  toolCalls: ToolCallRecord[];
  /** Best output so far (the latest assistant text). */
  output: string;
}

/**
 * Saves a checkpoint after a step (upsert by task id).
 * @example await saveCheckpoint(sql, { taskId, sessionId, agent, step: 2, tokensUsed: 900, messages, toolCalls, output: '' })
 */
export async function saveCheckpoint(sql: SqlTx, cp: Checkpoint): Promise<void> {
  await sql.query(
    `INSERT INTO agent_checkpoints (task_id, session_id, agent, step, tokens_used, messages, tool_calls, output, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
     ON CONFLICT (task_id) DO UPDATE SET step = excluded.step, tokens_used = excluded.tokens_used,
       messages = excluded.messages, tool_calls = excluded.tool_calls, output = excluded.output, updated_at = now()`,
    [
      cp.taskId,
      cp.sessionId,
      cp.agent,
      cp.step,
      cp.tokensUsed,
      JSON.stringify(cp.messages),
      JSON.stringify(cp.toolCalls),
      cp.output,
    ],
  );
}

/**
 * Loads a task's checkpoint, or null when the task has none (a fresh run).
 * @example const cp = await loadCheckpoint(sql, 'task-1')
 */
export async function loadCheckpoint(sql: SqlTx, taskId: string): Promise<Checkpoint | null> {
  const r = await sql.query<{
    task_id: string;
    session_id: string;
    agent: string;
    step: number;
    tokens_used: number;
    messages: ChatMessage[];
    tool_calls: ToolCallRecord[];
    output: string;
  }>(
    'SELECT task_id, session_id, agent, step, tokens_used, messages, tool_calls, output FROM agent_checkpoints WHERE task_id = $1',
    [taskId],
  );
  const row = r.rows[0];
  if (!row) return null;
  return {
    taskId: row.task_id,
    sessionId: row.session_id,
    agent: row.agent,
    step: Number(row.step),
    tokensUsed: Number(row.tokens_used),
    messages: row.messages,
    toolCalls: row.tool_calls,
    output: row.output,
  };
}

/**
 * Removes a task's checkpoint once its run has ended.
 * @example await deleteCheckpoint(sql, 'task-1')
 */
export async function deleteCheckpoint(sql: SqlTx, taskId: string): Promise<void> {
  await sql.query('DELETE FROM agent_checkpoints WHERE task_id = $1', [taskId]);
}
