import { randomUUID } from 'node:crypto';
import { httpReply, type HandlerContext, type HttpReply } from '../../shared/core/index.ts';
import { analystAgent } from '../analyst-agent/agent.ts';
import { researchAgent } from '../research-agent/agent.ts';
import { writerAgent } from '../writer-agent/agent.ts';
import { callerOf } from '../_lib/auth.ts';
import { runAgent } from '../_lib/run-agent.ts';
import { claimSession } from '../_lib/session.ts';
import { recordStep } from '../_lib/steps.ts';
import type { AgentTaskFields } from './contract.ts';
import { noSuchSession } from './submit.ts';

/** Agents POST /run may call: the ones without side effects (notifications go through POST /tasks). */
export const SYNC_AGENTS = ['research', 'analyst', 'writer'] as const;
const DEFINITIONS = { research: researchAgent, analyst: analystAgent, writer: writerAgent };

/**
 * POST /run: runs one agent on the prompt right away (no DAG, no Kafka) and answers with its result; the
 * run is recorded as a task so GET /tasks/:id shows it too. For short questions. The function is
 * durable: if this replica dies mid-run, another one finishes the run from its journal (the task row
 * then shows the answer).
 * @example await runNow({ agent: 'analyst', prompt: 'Total revenue by region?' }, ctx)
 */
export async function runNow(
  input: { agent: (typeof SYNC_AGENTS)[number]; prompt: string } & AgentTaskFields,
  ctx: HandlerContext,
): Promise<HttpReply> {
  // Both read once: a run resumed elsewhere has neither the request's token nor the same random id.
  const { taskId, caller } = await ctx.step('task', () => ({
    taskId: randomUUID(),
    caller: callerOf(ctx.meta.headers),
  }));
  const sessionId = await ctx.transaction('submitted', async ({ sql }) => {
    const session = await claimSession(sql, input.session_id ?? `run-${taskId}`, caller);
    if (!session) return null;
    await sql.query(
      `INSERT INTO agents_tasks (id, request, caller, status, session_id, metadata, max_steps, token_budget)
       VALUES ($1, $2, $3, 'running', $4, $5, $6, $7)`,
      [
        taskId,
        input.prompt,
        caller,
        session,
        JSON.stringify(input.metadata ?? {}),
        input.max_steps ?? null,
        input.token_budget ?? null,
      ],
    );
    await recordStep(sql, taskId, 'submitted', 'submitted', null, { agent: input.agent, sync: true });
    return session;
  });
  if (!sessionId) return noSuchSession(input.session_id);
  const result = await runAgent(
    DEFINITIONS[input.agent],
    {
      runId: `${taskId}/${input.agent}`,
      taskId,
      subtaskId: input.agent,
      prompt: input.prompt,
      sessionId,
      maxSteps: input.max_steps,
      tokenBudget: input.token_budget,
    },
    ctx,
  );
  const ok = result.status === 'completed';
  await ctx.transaction('finished', async ({ sql }) => {
    await sql.query(
      `UPDATE agents_tasks SET status = $2, answer = $3, error = $4, tokens = $5, updated_at = now() WHERE id = $1`,
      [
        taskId,
        ok ? 'completed' : 'failed',
        ok ? result.output : null,
        ok ? null : (result.error ?? result.errorCode ?? 'failed'),
        result.tokensUsed,
      ],
    );
    await recordStep(sql, taskId, ok ? 'completed' : 'failed', ok ? 'completed' : 'failed', null, {});
  });
  return httpReply({
    status: ok ? 200 : 502,
    body: {
      taskId,
      agent: input.agent,
      answer: ok ? result.output : null,
      // Seed 001's AgentResult.
      session_id: sessionId,
      status: ok ? 'completed' : 'failed',
      output: result.output,
      steps_used: result.stepsUsed,
      tokens_used: result.tokensUsed,
      tool_calls: result.toolCalls,
      error: ok ? null : (result.error ?? result.errorCode ?? 'failed'),
      ...(result.errorCode ? { error_code: result.errorCode } : {}),
      duration_ms: result.durationMs,
      metadata: input.metadata ?? {},
    },
  });
}
