import {
  AgentRunner,
  agentDirectory,
  ToolRegistry,
  type AgentResult,
  type ApprovalDecision,
  type ApprovalRequest,
} from '../../shared/agent/index.ts';
import type { HandlerContext } from '../../shared/core/index.ts';
import type { AgentDefinition } from './agent.ts';
import { sharedModel } from './model.ts';
import { sessionMemory } from './session.ts';
import { settings } from './settings.ts';
import { AGENTS_PREFIX } from './topics.ts';
import { recordStep } from './steps.ts';

/** One agent run of a task: its run id (the journal's step prefix), task, sub-task and the request's limits. */
export interface AgentRun {
  runId: string;
  taskId: string;
  subtaskId: string;
  prompt: string;
  /** The conversation the task belongs to: the agent reads its memory and spends its session budget. */
  sessionId: string;
  /** The request's max_steps for this run (default: the agent's, else 10). */
  maxSteps?: number | undefined;
  /** The request's token_budget: this run's, and shared by every agent run of the task. */
  tokenBudget?: number | undefined;
  /** False when the caller keeps the session's exchange itself (a task of several agents). */
  remember?: boolean;
}

/**
 * Runs one agent on a prompt inside a durable function: every model and tool call is a step of `ctx`,
 * so a run resumed after a crash or a redelivery replays them instead of calling again. Each completed
 * step is added to the task's step log (idempotent by run and step). With `approve`, side-effecting
 * tools wait for a person's answer first.
 * @example const result = await runAgent(research, { runId: 't1/research', taskId: 't1', subtaskId: 'research', prompt }, ctx)
 */
export async function runAgent(
  def: AgentDefinition,
  run: AgentRun,
  ctx: HandlerContext,
  options: { approve?: (request: ApprovalRequest) => Promise<ApprovalDecision> } = {},
): Promise<AgentResult> {
  const registry = new ToolRegistry().register(...def.tools(ctx));
  const runner = new AgentRunner({
    model: sharedModel(ctx.log),
    registry,
    sql: ctx.database,
    kv: ctx.kv,
    agents: agentDirectory([def.profile]),
    memory: sessionMemory(ctx),
    rememberRuns: run.remember ?? true,
    logger: ctx.log,
    budget: { namespace: `${AGENTS_PREFIX}:`, reservationTtlMs: settings.AGENTS_BUDGET_RESERVATION_TTL_MS },
    ...(options.approve ? { approve: options.approve } : {}),
  });
  const task = {
    taskId: run.runId,
    sessionId: run.sessionId,
    agent: def.profile.name,
    prompt: run.prompt,
    maxSteps: run.maxSteps ?? def.maxSteps ?? 10,
    tokenBudget: run.tokenBudget ?? def.tokenBudget ?? 8192,
    ...(run.tokenBudget !== undefined ? { budgetGroup: { id: run.taskId, tokens: run.tokenBudget } } : {}),
  };
  return runner.run(task, {
    steps: ctx,
    stepPrefix: `agent:${def.profile.name}:`,
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
