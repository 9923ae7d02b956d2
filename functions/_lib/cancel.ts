import type { HandlerContext } from '../../shared/core/index.ts';
import { recordStep } from './steps.ts';
import { topics } from './topics.ts';

/** How a cancel request ended. */
export type CancelOutcome =
  { status: 'cancelled'; executions: number } | { status: 'missing' } | { status: 'finished'; taskStatus: string };

/**
 * Cancels a task in the handler's transaction: the task becomes `cancelled`, its unfinished sub-tasks
 * too (so none that has not started ever starts), its running agents stop at their next step and its
 * parked waits end (durable executions with the task id as cancel key). A finished task is left alone.
 * @example const outcome = await cancelTask(ctx, taskId, 'asked by reports-service')
 */
export async function cancelTask(ctx: HandlerContext, taskId: string, reason: string): Promise<CancelOutcome> {
  const task = await ctx.sql.query<{ status: string }>('SELECT status FROM agents_tasks WHERE id = $1', [taskId]);
  const status = task.rows[0]?.status;
  if (status === undefined) return { status: 'missing' };
  if (status !== 'queued' && status !== 'running') return { status: 'finished', taskStatus: status };
  await ctx.sql.query(`UPDATE agents_tasks SET status = 'cancelled', error = $2, updated_at = now() WHERE id = $1`, [
    taskId,
    reason,
  ]);
  await ctx.sql.query(
    `UPDATE agents_subtasks SET status = 'cancelled', deadline_at = NULL, retry_at = NULL, updated_at = now()
     WHERE task_id = $1 AND status NOT IN ('done', 'escalated', 'cancelled')`,
    [taskId],
  );
  const executions = await ctx.cancel(taskId);
  await recordStep(ctx.sql, taskId, 'cancelled', 'cancelled', null, { reason, executions });
  ctx.emit(topics.answers, { taskId, status: 'cancelled', error: reason }, { key: taskId });
  return { status: 'cancelled', executions };
}
