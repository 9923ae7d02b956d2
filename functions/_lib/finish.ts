import type { HandlerContext } from '../../shared/core/index.ts';
import type { subtasksOf } from './dispatch.ts';
import { sessionMemory } from './session.ts';
import { recordStep } from './steps.ts';
import { topics } from './topics.ts';

type Subtask = Awaited<ReturnType<typeof subtasksOf>>[number];

/**
 * Synthesizes the final answer from the sub-task outputs (the writer's report first, then the
 * findings it was based on), completes the task and adds the exchange (request and answer) to its
 * session's memory, so the session's next task sees it.
 * @example await completeTask(ctx, taskId, subtasks)
 */
export async function completeTask(ctx: HandlerContext, taskId: string, subtasks: readonly Subtask[]): Promise<void> {
  const answer = synthesize(subtasks);
  const { rows } = await ctx.sql.query<{ request: string; session_id: string | null }>(
    `UPDATE agents_tasks SET status = 'completed', answer = $2, updated_at = now(),
       tokens = (SELECT COALESCE(SUM(tokens), 0) FROM agents_subtasks WHERE task_id = $1)
     WHERE id = $1 RETURNING request, session_id`,
    [taskId, answer],
  );
  const task = rows[0];
  if (task?.session_id) {
    // Not part of the transaction: a retried one finds the exchange already there and adds nothing.
    await sessionMemory(ctx).append(
      task.session_id,
      'orchestrator',
      [
        { role: 'user', content: task.request },
        { role: 'assistant', content: answer },
      ],
      { once: true },
    );
  }
  await recordStep(ctx.sql, taskId, 'completed', 'completed', null, { subtasks: subtasks.length });
  ctx.emit(topics.answers, { taskId, status: 'completed', answer }, { key: taskId });
}

/**
 * Fails a task with a reason (planning failed, a sub-task escalated).
 * @example await failTask(ctx, taskId, 'plan: unknown agent "x"')
 */
export async function failTask(ctx: HandlerContext, taskId: string, reason: string): Promise<void> {
  await ctx.sql.query(`UPDATE agents_tasks SET status = 'failed', error = $2, updated_at = now() WHERE id = $1`, [
    taskId,
    reason,
  ]);
  await recordStep(ctx.sql, taskId, 'failed', 'failed', null, { reason });
  ctx.emit(topics.answers, { taskId, status: 'failed', error: reason }, { key: taskId });
}

/** The writer's report (or, without a writer, the last output), then each other sub-task's output. */
function synthesize(subtasks: readonly Subtask[]): string {
  const report = subtasks.find((s) => s.agent === 'writer') ?? subtasks.at(-1);
  const rest = subtasks.filter((s) => s !== report);
  const sections = rest.map((s) => `[${s.id}] ${s.output ?? ''}`);
  return [report?.output ?? '', ...(sections.length > 0 ? ['Findings:', ...sections] : [])].join('\n\n');
}
