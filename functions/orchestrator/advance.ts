import type { HandlerContext } from '../../shared/core/index.ts';
import { dispatchReady, subtasksOf } from '../_lib/dispatch.ts';
import type { SubtaskResult } from '../_lib/events.ts';
import { recordStep } from '../_lib/steps.ts';
import { completeTask } from '../_lib/finish.ts';

/**
 * Records a successful attempt (the first one wins; late duplicates and results of finished tasks are
 * ignored), then dispatches the sub-tasks it unblocked or, when all are done, completes the task.
 * @example await acceptResult(result, ctx)
 */
export async function acceptResult(result: SubtaskResult, ctx: HandlerContext): Promise<void> {
  const { taskId, subtaskId } = result;
  const task = await ctx.sql.query<{ status: string }>('SELECT status FROM agents_tasks WHERE id = $1', [taskId]);
  if (task.rows[0]?.status !== 'running') return;
  const updated = await ctx.sql.query(
    `UPDATE agents_subtasks SET status = 'done', output = $3, tokens = tokens + $4, error = NULL,
       steps_used = $5, tool_calls = $6, deadline_at = NULL, retry_at = NULL, updated_at = now()
     WHERE task_id = $1 AND id = $2 AND status IN ('dispatched', 'retry_wait')`,
    [taskId, subtaskId, result.output, result.tokens, result.steps ?? 0, JSON.stringify(result.toolCalls ?? [])],
  );
  if (updated.rowCount === 0) return;
  await recordStep(ctx.sql, taskId, `done:${subtaskId}`, 'subtask_done', subtaskId, {
    agent: result.agent,
    attempt: result.attempt,
    tokens: result.tokens,
  });
  const all = await subtasksOf(ctx.sql, taskId);
  if (all.every((s) => s.status === 'done')) return completeTask(ctx, taskId, all);
  await dispatchReady(ctx, taskId);
}
