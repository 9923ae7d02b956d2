import type { HandlerContext, SqlTx } from '../../shared/core/index.ts';
import { settings } from './settings.ts';
import { recordStep } from './steps.ts';
import { topics } from './topics.ts';
import type { WorkItem } from './events.ts';

interface SubtaskRow extends Record<string, unknown> {
  id: string;
  agent: string;
  prompt: string;
  depends_on: string[];
  status: string;
  attempt: number;
  output: string | null;
}

/**
 * Sends attempt `attempt` of a sub-task to its agent's topic, with the outputs of its dependencies
 * injected into the prompt, and sets the deadline the supervisor watches. Call inside the handler's
 * transaction: the row update, the step and the Kafka event commit together.
 * @example await dispatchSubtask(ctx, taskId, 'research', 1)
 */
export async function dispatchSubtask(
  ctx: Pick<HandlerContext, 'sql' | 'emit'>,
  taskId: string,
  subtaskId: string,
  attempt: number,
): Promise<void> {
  const all = await subtasksOf(ctx.sql, taskId);
  const sub = all.find((s) => s.id === subtaskId);
  if (!sub) throw new Error(`sub-task ${taskId}/${subtaskId} does not exist`);
  const inputs = all.filter((s) => sub.depends_on.includes(s.id));
  const prompt =
    inputs.length === 0
      ? sub.prompt
      : `${sub.prompt}\n\nFindings from earlier steps:\n${inputs.map((d) => `[${d.id}] ${d.output ?? ''}`).join('\n\n')}`;
  await ctx.sql.query(
    `UPDATE agents_subtasks SET status = 'dispatched', attempt = $3, retry_at = NULL, updated_at = now(),
       deadline_at = now() + ($4::int * interval '1 millisecond')
     WHERE task_id = $1 AND id = $2`,
    [taskId, subtaskId, attempt, settings.AGENTS_SUBTASK_TIMEOUT_MS],
  );
  await recordStep(ctx.sql, taskId, `dispatch:${subtaskId}:${attempt}`, 'dispatched', subtaskId, {
    agent: sub.agent,
    attempt,
  });
  const work: WorkItem = { taskId, subtaskId, agent: sub.agent, attempt, prompt };
  ctx.emit(topics.work(sub.agent), work, { key: taskId });
}

/**
 * Dispatches every waiting sub-task whose dependencies are all done (the next wave); returns their ids.
 * @example const wave = await dispatchReady(ctx, taskId) // ['research', 'analyst']
 */
export async function dispatchReady(ctx: Pick<HandlerContext, 'sql' | 'emit'>, taskId: string): Promise<string[]> {
  const all = await subtasksOf(ctx.sql, taskId);
  const done = new Set(all.filter((s) => s.status === 'done').map((s) => s.id));
  const wave = all.filter((s) => s.status === 'waiting' && s.depends_on.every((d) => done.has(d)));
  for (const sub of wave) await dispatchSubtask(ctx, taskId, sub.id, 1);
  return wave.map((s) => s.id);
}

/**
 * A task's sub-tasks in plan order.
 * @example const subs = await subtasksOf(ctx.sql, taskId)
 */
export async function subtasksOf(sql: SqlTx, taskId: string): Promise<SubtaskRow[]> {
  const { rows } = await sql.query<SubtaskRow>(
    `SELECT id, agent, prompt, depends_on, status, attempt, output FROM agents_subtasks
     WHERE task_id = $1 ORDER BY position`,
    [taskId],
  );
  return rows.map((r) => ({ ...r, attempt: Number(r.attempt) }));
}
