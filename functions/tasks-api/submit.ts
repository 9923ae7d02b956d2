import { randomUUID } from 'node:crypto';
import { httpReply, type HandlerContext, type HttpReply } from '../../shared/core/index.ts';
import { callerOf } from '../_lib/auth.ts';
import { validatePlan, type PlanStep } from '../_lib/plan.ts';
import { recordStep } from '../_lib/steps.ts';
import { topics } from '../_lib/topics.ts';

/**
 * POST /tasks: stores the task and publishes it for the orchestrator in one transaction (outbox), so an
 * accepted task is never lost. An explicit plan is checked now (unknown agents, cycles: 400).
 * @example await submitTask({ prompt: 'Explain the refund policy' }, ctx)
 */
export async function submitTask(
  input: { prompt: string; plan?: PlanStep[] | undefined; approval?: boolean | undefined },
  ctx: HandlerContext,
): Promise<HttpReply> {
  if (input.plan) validatePlan(input.plan);
  const taskId = randomUUID();
  await ctx.sql.query(
    `INSERT INTO agents_tasks (id, request, caller, status, plan, approval) VALUES ($1, $2, $3, 'queued', $4, $5)`,
    [
      taskId,
      input.prompt,
      callerOf(ctx.meta.headers),
      input.plan ? JSON.stringify(input.plan) : null,
      input.approval === true,
    ],
  );
  await recordStep(ctx.sql, taskId, 'submitted', 'submitted', null, {});
  ctx.emit(topics.tasks, { type: 'submitted', taskId }, { key: taskId });
  return httpReply({
    status: 202,
    headers: { location: `/tasks/${taskId}` },
    body: {
      taskId,
      status: 'queued',
      links: {
        self: `/tasks/${taskId}`,
        events: `/tasks/${taskId}/events`,
        input: `/tasks/${taskId}/input`,
        cancel: `/tasks/${taskId}/cancel`,
      },
    },
  });
}
