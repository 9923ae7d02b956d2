import { httpReply, type HandlerContext, type HttpReply } from '../../shared/core/index.ts';
import type { TaskInput } from '../_lib/approval.ts';
import { callerOf } from '../_lib/auth.ts';
import { canSeeTask } from '../_lib/access.ts';
import { cancelTask } from '../_lib/cancel.ts';
import { topics } from '../_lib/topics.ts';
import { noSuchTask } from './read.ts';

/**
 * POST /tasks/:id/cancel: 200 with the cancelled task; 404 unknown; 409 when it already ended.
 * @example await cancelTaskRoute({ id }, ctx)
 */
export async function cancelTaskRoute(
  input: { id: string; reason?: string | undefined },
  ctx: HandlerContext,
): Promise<HttpReply> {
  if (!(await canSeeTask(ctx.sql, input.id, ctx.meta.headers))) return noSuchTask(input.id);
  const caller = callerOf(ctx.meta.headers);
  const outcome = await cancelTask(ctx, input.id, input.reason ?? `cancelled by ${caller}`);
  switch (outcome.status) {
    case 'missing':
      return noSuchTask(input.id);
    case 'finished':
      return httpReply({
        status: 409,
        body: {
          error: `task "${input.id}" already ended (status: ${outcome.taskStatus}); only a queued or running task can be cancelled`,
        },
      });
    case 'cancelled':
      return httpReply({
        status: 200,
        body: { taskId: input.id, status: 'cancelled', stoppedExecutions: outcome.executions },
      });
  }
}

/**
 * POST /tasks/:id/input: answers a task that waits for a person (a sub-task in `awaiting_input`); 202,
 * then the waiting agent resumes on whichever replica is free. 404 unknown; 409 nothing is waiting.
 * @example await taskInputRoute({ id, approve: true, comment: 'ok to send' }, ctx)
 */
export async function taskInputRoute(
  input: { id: string; approve: boolean; comment?: string | undefined },
  ctx: HandlerContext,
): Promise<HttpReply> {
  if (!(await canSeeTask(ctx.sql, input.id, ctx.meta.headers))) return noSuchTask(input.id);
  const { rows } = await ctx.sql.query<{ status: string; waiting: boolean }>(
    `SELECT t.status, EXISTS (SELECT 1 FROM agents_subtasks s WHERE s.task_id = t.id AND s.status = 'awaiting_input') AS waiting
       FROM agents_tasks t WHERE t.id = $1`,
    [input.id],
  );
  const task = rows[0];
  if (!task) return noSuchTask(input.id);
  if (task.status !== 'running' || !task.waiting) {
    return httpReply({
      status: 409,
      body: { error: `task "${input.id}" is not waiting for input (status: ${task.status})` },
    });
  }
  const answer: TaskInput = {
    taskId: input.id,
    approve: input.approve,
    ...(input.comment ? { comment: input.comment } : {}),
    by: callerOf(ctx.meta.headers),
  };
  ctx.emit(topics.input, answer, { key: input.id });
  return httpReply({ status: 202, body: { taskId: input.id, accepted: true } });
}
