import type { SqlTx } from '../../shared/core/index.ts';

/** One entry of a task's step log, as the API and the SSE stream show it. */
export interface TaskStep {
  key: string;
  kind: string;
  subtask: string | null;
  detail: Record<string, unknown>;
  at: string;
}

/**
 * Appends a step to a task's log, idempotent by (task, key): a re-run of the same work adds nothing.
 * A new step is progress: it moves the task's updated_at, which the stuck-task sweeper watches.
 * Pass `ctx.sql` to commit it with the change it describes, `ctx.database` to keep it even if the
 * handler fails later (agent steps).
 * @example await recordStep(ctx.sql, taskId, 'planned', 'planned', null, { subtasks: 3 })
 */
export async function recordStep(
  sql: SqlTx,
  taskId: string,
  key: string,
  kind: string,
  subtask: string | null,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await sql.query(
    `WITH step AS (
       INSERT INTO agents_task_steps (task_id, step_key, kind, subtask, detail) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (task_id, step_key) DO NOTHING RETURNING task_id
     )
     UPDATE agents_tasks SET updated_at = now() WHERE id IN (SELECT task_id FROM step)`,
    [taskId, key, kind, subtask, JSON.stringify(detail)],
  );
}

/**
 * A task's steps in the order they happened.
 * @example const steps = await listSteps(ctx.database, taskId)
 */
export async function listSteps(sql: SqlTx, taskId: string): Promise<TaskStep[]> {
  const { rows } = await sql.query<{
    step_key: string;
    kind: string;
    subtask: string | null;
    detail: unknown;
    at: Date;
  }>('SELECT step_key, kind, subtask, detail, at FROM agents_task_steps WHERE task_id = $1 ORDER BY at, step_key', [
    taskId,
  ]);
  return rows.map((r) => ({
    key: r.step_key,
    kind: r.kind,
    subtask: r.subtask,
    detail: (r.detail ?? {}) as Record<string, unknown>,
    at: new Date(r.at).toISOString(),
  }));
}
