import type { HandlerContext } from '../../shared/core/index.ts';
import { dispatchReady } from '../_lib/dispatch.ts';
import { Plan, planFromRequest, validatePlan, type PlanStep } from '../_lib/plan.ts';
import { recordStep } from '../_lib/steps.ts';
import { failTask } from '../_lib/finish.ts';

/**
 * Plans a queued task (the request's explicit plan, or the deterministic planner), stores the sub-tasks
 * and dispatches the first wave. A duplicate or unknown task is ignored.
 * @example await startTask(taskId, ctx)
 */
export async function startTask(taskId: string, ctx: HandlerContext): Promise<void> {
  const { rows } = await ctx.sql.query<{ request: string; status: string; plan: unknown }>(
    'SELECT request, status, plan FROM agents_tasks WHERE id = $1',
    [taskId],
  );
  const task = rows[0];
  if (!task || task.status !== 'queued') return;
  let steps: PlanStep[];
  try {
    const requested = task.plan === null ? planFromRequest(task.request) : Plan.parse(task.plan);
    steps = validatePlan(requested);
  } catch (error) {
    return failTask(ctx, taskId, `planning failed: ${(error as Error).message}`);
  }
  for (const [position, step] of steps.entries()) {
    await ctx.sql.query(
      `INSERT INTO agents_subtasks (task_id, id, agent, prompt, depends_on, position, status)
       VALUES ($1, $2, $3, $4, $5, $6, 'waiting') ON CONFLICT DO NOTHING`,
      [taskId, step.id, step.agent, step.task, JSON.stringify(step.dependsOn), position],
    );
  }
  await ctx.sql.query(`UPDATE agents_tasks SET status = 'running', plan = $2, updated_at = now() WHERE id = $1`, [
    taskId,
    JSON.stringify(steps),
  ]);
  await recordStep(ctx.sql, taskId, 'planned', 'planned', null, {
    subtasks: steps.map((s) => ({ id: s.id, agent: s.agent, dependsOn: s.dependsOn })),
  });
  const wave = await dispatchReady(ctx, taskId);
  ctx.log.info('task planned', { taskId, subtasks: steps.length, firstWave: wave });
}
