import { AgentRunner, agentDirectory, ToolRegistry, type AgentResult } from '../../shared/agent/index.ts';
import type { HandlerContext } from '../../shared/core/index.ts';
import type { AgentDefinition } from './agent.ts';
import { sharedModel } from './model.ts';
import { recordStep } from './steps.ts';

/**
 * Runs (or resumes from its checkpoint) one agent on a prompt with the agent runtime: the agent's own
 * tool registry and allow-list, the shared model, SQL outside the event transaction for checkpoints,
 * and a step-log row after each step (idempotent by run and step).
 * @example const result = await runAgent(research, { runId: 't1/research', taskId: 't1', subtaskId: 'research', prompt }, ctx)
 */
export async function runAgent(
  def: AgentDefinition,
  run: { runId: string; taskId: string; subtaskId: string; prompt: string },
  ctx: HandlerContext,
): Promise<AgentResult> {
  const registry = new ToolRegistry().register(...def.tools(ctx));
  const runner = new AgentRunner({
    model: sharedModel(ctx.log),
    registry,
    sql: ctx.database,
    kv: ctx.kv,
    agents: agentDirectory([def.profile]),
    logger: ctx.log,
  });
  const task = {
    taskId: run.runId,
    sessionId: run.taskId,
    agent: def.profile.name,
    prompt: run.prompt,
    maxSteps: def.maxSteps ?? 4,
    tokenBudget: def.tokenBudget ?? 16_384,
  };
  return runner.run(task, {
    signal: ctx.signal,
    onStep: (step) =>
      recordStep(ctx.database, run.taskId, `step:${run.subtaskId}:${step.step}`, 'agent_step', run.subtaskId, {
        agent: def.profile.name,
        step: step.step,
        model: step.model,
        tools: step.toolCalls.map((c) => ({ name: c.name, ok: c.ok })),
        tokens: step.tokensUsed,
        final: step.final,
      }),
  });
}
