import { httpReply, type HandlerContext, type HttpReply, type SqlTx } from '../../shared/core/index.ts';
import { listSteps } from '../_lib/steps.ts';

/**
 * GET /tasks/:id: status, answer or error, sub-tasks, steps and tokens (404 for an unknown id).
 * @example await readTask(taskId, ctx)
 */
export async function readTask(taskId: string, ctx: HandlerContext): Promise<HttpReply> {
  // A GET runs outside any transaction: ctx.sql is the database itself, one pooled connection per read.
  const view = await taskView(ctx.sql, taskId);
  if (!view) return httpReply({ status: 404, body: { error: `no task with id "${taskId}"` } });
  return httpReply({ status: 200, body: { ...view, steps: await listSteps(ctx.sql, taskId) } });
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
    created_at: Date;
    updated_at: Date;
  }>(
    'SELECT status, request, answer, error, tokens, approval, created_at, updated_at FROM agents_tasks WHERE id = $1',
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
  }>(
    'SELECT id, agent, status, attempt, depends_on, error, tokens FROM agents_subtasks WHERE task_id = $1 ORDER BY position',
    [taskId],
  );
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
  };
}
