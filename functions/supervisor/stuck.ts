import type { HandlerContext } from '../../shared/core/index.ts';
import { recordStep } from '../_lib/steps.ts';
import { topics } from '../_lib/topics.ts';
import { onAttemptFailed } from './policy.ts';

/**
 * What the supervisor does with a task that stopped making progress: re-submit a task still queued
 * (its submission was lost or the orchestrator never got to it), or fail the current attempt of every
 * dispatched sub-task of a running one (retried or escalated by the usual policy). Finished tasks are
 * left alone.
 * @example await onStuckTask(ctx, 'task-42') // { status: 'running', failedAttempts: 1, resubmitted: false }
 */
export async function onStuckTask(
  ctx: HandlerContext,
  taskId: string,
): Promise<{ status: string; failedAttempts: number; resubmitted: boolean }> {
  const task = await ctx.sql.query<{ status: string }>('SELECT status FROM agents_tasks WHERE id = $1', [taskId]);
  const status = task.rows[0]?.status ?? 'missing';
  if (status === 'queued') {
    await recordStep(ctx.sql, taskId, `stuck:${ctx.meta.id}`, 'stuck_resubmitted', null, {});
    ctx.emit(topics.tasks, { type: 'submitted', taskId }, { key: taskId });
    return { status, failedAttempts: 0, resubmitted: true };
  }
  if (status !== 'running') return { status, failedAttempts: 0, resubmitted: false };
  const dispatched = await ctx.sql.query<{ id: string; agent: string; attempt: number }>(
    `SELECT id, agent, attempt FROM agents_subtasks WHERE task_id = $1 AND status = 'dispatched' ORDER BY position`,
    [taskId],
  );
  for (const sub of dispatched.rows) {
    await onAttemptFailed(ctx, {
      taskId,
      subtaskId: sub.id,
      agent: sub.agent,
      attempt: Number(sub.attempt),
      reason: `attempt ${sub.attempt} made no progress (handed over by the stuck-task sweeper)`,
      retriable: true,
    });
  }
  return { status, failedAttempts: dispatched.rows.length, resubmitted: false };
}
