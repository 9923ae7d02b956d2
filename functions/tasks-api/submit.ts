import { randomUUID } from 'node:crypto';
import {
  httpReply,
  RateLimitedError,
  takeWindowToken,
  type HandlerContext,
  type HttpReply,
} from '../../shared/core/index.ts';
import { callerOf } from '../_lib/auth.ts';
import { validatePlan, type PlanStep } from '../_lib/plan.ts';
import { claimSession } from '../_lib/session.ts';
import { settings } from '../_lib/settings.ts';
import { recordStep } from '../_lib/steps.ts';
import { topics } from '../_lib/topics.ts';
import type { AgentTaskFields } from './contract.ts';

/**
 * POST /tasks: stores the task and publishes it for the orchestrator in one transaction (outbox), so an
 * accepted task is never lost. An explicit plan is checked now (unknown agents, cycles: 400). The task
 * continues the caller's session `session_id` (another caller's is a 404) or opens a new one. Each
 * caller may submit AGENTS_SUBMIT_RATE_PER_MIN tasks a minute (429 past it, nothing stored).
 * @example await submitTask({ prompt: 'Explain the refund policy' }, ctx)
 */
export async function submitTask(
  input: { prompt: string; plan?: PlanStep[] | undefined; approval?: boolean | undefined } & AgentTaskFields,
  ctx: HandlerContext,
): Promise<HttpReply> {
  if (input.plan) validatePlan(input.plan);
  const caller = callerOf(ctx.meta.headers);
  await admit(ctx, caller);
  const sessionId = await claimSession(ctx.sql, input.session_id, caller);
  if (!sessionId) return noSuchSession(input.session_id);
  const taskId = randomUUID();
  await ctx.sql.query(
    `INSERT INTO agents_tasks (id, request, caller, status, plan, approval, session_id, metadata, max_steps, token_budget)
     VALUES ($1, $2, $3, 'queued', $4, $5, $6, $7, $8, $9)`,
    [
      taskId,
      input.prompt,
      caller,
      input.plan ? JSON.stringify(input.plan) : null,
      input.approval === true,
      sessionId,
      JSON.stringify(input.metadata ?? {}),
      input.max_steps ?? null,
      input.token_budget ?? null,
    ],
  );
  await recordStep(ctx.sql, taskId, 'submitted', 'submitted', null, {});
  ctx.emit(topics.tasks, { type: 'submitted', taskId }, { key: taskId });
  return httpReply({
    status: 202,
    headers: { location: `/tasks/${taskId}` },
    body: {
      taskId,
      session_id: sessionId,
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

/**
 * The answer for a session id the caller does not own: the same as for one that does not exist.
 * @example if (!sessionId) return noSuchSession(input.session_id)
 */
export function noSuchSession(sessionId: string | undefined): HttpReply {
  return httpReply({ status: 404, body: { error: `no session with id "${sessionId ?? ''}"` } });
}

async function admit(ctx: HandlerContext, caller: string): Promise<void> {
  const limit = settings.AGENTS_SUBMIT_RATE_PER_MIN;
  const decision = await takeWindowToken(ctx.kv, `agents:submit:${caller}`, { limit, windowMs: 60_000 });
  if (!decision.allowed) {
    throw new RateLimitedError(`caller "${caller}" may submit ${limit} tasks per minute`, {
      retryAfterMs: decision.retryAfterSeconds * 1000,
    });
  }
}
