import type { HandlerContext } from '../../shared/core/index.ts';
import { dispatchSubtask } from '../_lib/dispatch.ts';
import { failTask } from '../_lib/finish.ts';
import { retryDelayMs, settings } from '../_lib/settings.ts';
import { recordStep } from '../_lib/steps.ts';
import { topics } from '../_lib/topics.ts';

/** A failed or timed-out attempt, as the supervisor judges it. */
export interface AttemptFailure {
  taskId: string;
  subtaskId: string;
  agent: string;
  attempt: number;
  reason: string;
  /** False when another attempt cannot help: escalate at once. */
  retriable: boolean;
}

/**
 * The supervision policy for one failed attempt: schedule a retry with exponential backoff while
 * attempts remain and the failure is retriable, else escalate. Only the current attempt of a sub-task
 * that is still running counts (a late failure of a superseded attempt is ignored).
 * @example await onAttemptFailed(ctx, { taskId, subtaskId: 'analyst', agent: 'analyst', attempt: 1, reason: 'timed out', retriable: true })
 */
export async function onAttemptFailed(ctx: HandlerContext, failure: AttemptFailure): Promise<void> {
  const { taskId, subtaskId, attempt, reason } = failure;
  await recordStep(ctx.sql, taskId, `failed:${subtaskId}:${attempt}`, 'subtask_failed', subtaskId, {
    agent: failure.agent,
    attempt,
    reason,
  });
  const retry = failure.retriable && attempt < settings.AGENTS_MAX_ATTEMPTS;
  const delayMs = retryDelayMs(attempt + 1);
  const moved = await ctx.sql.query(
    `UPDATE agents_subtasks SET status = $4, error = $5, deadline_at = NULL, updated_at = now(),
       retry_at = CASE WHEN $4 = 'retry_wait' THEN now() + ($6::int * interval '1 millisecond') END
     WHERE task_id = $1 AND id = $2 AND attempt = $3 AND status = 'dispatched'
       AND EXISTS (SELECT 1 FROM agents_tasks t WHERE t.id = $1 AND t.status = 'running')`,
    [taskId, subtaskId, attempt, retry ? 'retry_wait' : 'escalated', reason, delayMs],
  );
  if (moved.rowCount === 0) return;
  if (retry) {
    await recordStep(ctx.sql, taskId, `retry:${subtaskId}:${attempt + 1}`, 'retry_scheduled', subtaskId, {
      attempt: attempt + 1,
      delayMs,
    });
    return;
  }
  const why = failure.retriable
    ? `sub-task "${subtaskId}" (${failure.agent}) failed after ${attempt} attempts: ${reason}`
    : `sub-task "${subtaskId}" (${failure.agent}) failed with an unrecoverable error: ${reason}`;
  await recordStep(ctx.sql, taskId, `escalated:${subtaskId}`, 'escalated', subtaskId, { attempts: attempt, reason });
  ctx.emit(topics.escalations, { ...failure, reason: why, at: new Date().toISOString() }, { key: taskId });
  await failTask(ctx, taskId, why);
  ctx.log.warn('sub-task escalated', { taskId, subtaskId, attempts: attempt });
}

/**
 * One sweep: dispatches retries whose backoff elapsed and fails attempts past their deadline.
 * @example await sweep(ctx) // { retried: 1, timedOut: 0 }
 */
export async function sweep(ctx: HandlerContext, limit = 50): Promise<{ retried: number; timedOut: number }> {
  const due = await ctx.sql.query<{ task_id: string; id: string; attempt: number }>(
    `SELECT task_id, id, attempt FROM agents_subtasks WHERE status = 'retry_wait' AND retry_at <= now()
     ORDER BY retry_at LIMIT $1`,
    [limit],
  );
  for (const row of due.rows) await dispatchSubtask(ctx, row.task_id, row.id, Number(row.attempt) + 1);
  const late = await ctx.sql.query<{ task_id: string; id: string; agent: string; attempt: number }>(
    `SELECT task_id, id, agent, attempt FROM agents_subtasks WHERE status = 'dispatched' AND deadline_at < now()
     ORDER BY deadline_at LIMIT $1`,
    [limit],
  );
  for (const row of late.rows) {
    await onAttemptFailed(ctx, {
      taskId: row.task_id,
      subtaskId: row.id,
      agent: row.agent,
      attempt: Number(row.attempt),
      reason: `attempt ${row.attempt} timed out after ${settings.AGENTS_SUBTASK_TIMEOUT_MS} ms`,
      retriable: true,
    });
  }
  return { retried: due.rows.length, timedOut: late.rows.length };
}
