import { httpReply, type HandlerContext, type HttpReply, type SqlTx } from '../../shared/core/index.ts';
import type { ToolCallRecord } from '../../shared/agent/types/task.ts';
import { canSeeTask } from '../_lib/access.ts';
import { listSteps } from '../_lib/steps.ts';

/**
 * GET /tasks/:id: status, answer or error, sub-tasks, steps and tokens (404 for an unknown id or
 * another caller's task).
 * @example await readTask(taskId, ctx)
 */
export async function readTask(taskId: string, ctx: HandlerContext): Promise<HttpReply> {
  // A GET runs outside any transaction: ctx.sql is the database itself, one pooled connection per read.
  if (!(await canSeeTask(ctx.sql, taskId, ctx.meta.headers))) return noSuchTask(taskId);
  const view = await taskView(ctx.sql, taskId);
  if (!view) return noSuchTask(taskId);
  return httpReply({ status: 200, body: { ...view, steps: await listSteps(ctx.sql, taskId) } });
}

/**
 * The answer for an unknown task id, and for one the caller may not see.
 * @example if (!visible) return noSuchTask(id)
 */
export function noSuchTask(taskId: string): HttpReply {
  return httpReply({ status: 404, body: { error: `no task with id "${taskId}"` } });
}

/**
 * The task's row and sub-tasks, or null when unknown.
 * @example const view = await taskView(ctx.database, taskId)
 */
export async function taskView(sql: SqlTx, taskId: string) {
  const task = await sql.query<{
    status: string;
    request: string;
    answer: string | null;
    error: string | null;
    tokens: number;
    approval: boolean;
    session_id: string | null;
    metadata: Record<string, unknown> | null;
    max_steps: number | null;
    token_budget: number | null;
    created_at: Date;
    updated_at: Date;
  }>(
    `SELECT status, request, answer, error, tokens, approval, session_id, metadata, max_steps, token_budget,
            created_at, updated_at
       FROM agents_tasks WHERE id = $1`,
    [taskId],
  );
  const row = task.rows[0];
  if (!row) return null;
  const subs = await sql.query<{
    id: string;
    agent: string;
    status: string;
    attempt: number;
    depends_on: string[];
    error: string | null;
    tokens: number;
    steps_used: number;
    tool_calls: ToolCallRecord[] | null;
  }>(
    `SELECT id, agent, status, attempt, depends_on, error, tokens, steps_used, tool_calls
       FROM agents_subtasks WHERE task_id = $1 ORDER BY position`,
    [taskId],
  );
  const ended = ['completed', 'failed', 'cancelled'].includes(row.status);
  return {
    taskId,
    status: row.status,
    request: row.request,
    answer: row.answer,
    error: row.error,
    tokens: Number(row.tokens),
    approval: row.approval,
    waitingForInput: subs.rows.some((s) => s.status === 'awaiting_input'),
    subtasks: subs.rows.map((s) => ({
      id: s.id,
      agent: s.agent,
      status: s.status,
      attempt: Number(s.attempt),
      dependsOn: s.depends_on,
      tokens: Number(s.tokens),
      ...(s.error ? { error: s.error } : {}),
    })),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    // Seed 001's AgentTask and AgentResult fields, summed over the task's agent runs.
    session_id: row.session_id,
    metadata: row.metadata ?? {},
    max_steps: row.max_steps === null ? null : Number(row.max_steps),
    token_budget: row.token_budget === null ? null : Number(row.token_budget),
    output: row.answer ?? '',
    steps_used: subs.rows.reduce((sum, s) => sum + Number(s.steps_used), 0),
    tokens_used: Number(row.tokens),
    tool_calls: subs.rows.flatMap((s) => s.tool_calls ?? []),
    duration_ms: ended ? new Date(row.updated_at).getTime() - new Date(row.created_at).getTime() : null,
  };
}
