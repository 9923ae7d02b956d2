import { ensureError } from '../../core/errors.ts';
import { estimateCostUsd } from '../llm/prices.ts';
import type { ChatResponse, ToolSpec } from '../llm/types.ts';
import type { AgentErrorCode, AgentTask } from '../types/task.ts';
import { runnerTelemetry, type AgentRunnerDeps } from './deps.ts';
import type { RunBudget } from './reserve.ts';
import type { StepPrompt } from './step-prompt.ts';

/**
 * A model call that failed for now (a fallback cascade gave up, or the provider erred). Never journaled:
 * the run ends resumable and a later attempt calls the model again.
 */
export class ModelCallFailed extends Error {
  readonly code: Extract<AgentErrorCode, 'all_models_failed' | 'model_error'>;
  constructor(code: ModelCallFailed['code'], message: string) {
    super(message);
    this.name = 'ModelCallFailed';
    this.code = code;
  }
}

/**
 * Makes a step's model call inside an LLM span; throws {@link ModelCallFailed} when it fails.
 * @example const response = await callModel(deps, task, step, next, tools, signal)
 */
export async function callModel(
  deps: AgentRunnerDeps,
  task: AgentTask,
  step: number,
  next: StepPrompt,
  tools: ToolSpec[],
  signal: AbortSignal | undefined,
): Promise<ChatResponse> {
  const { model } = deps;
  try {
    const llmAttrs = {
      agent: task.agent,
      taskId: task.taskId,
      step,
      requestModel: model.name,
      provider: model.provider,
      maxTokens: next.maxTokens,
      toolCount: tools.length,
    };
    return await runnerTelemetry(deps).llmCall(llmAttrs, () =>
      model.complete({
        messages: next.prompt,
        tools: tools.length > 0 ? tools : undefined,
        maxTokens: next.maxTokens,
        signal,
      }),
    );
  } catch (error) {
    const err = ensureError(error);
    const code = (err as { code?: unknown }).code === 'all_models_failed' ? 'all_models_failed' : 'model_error';
    throw new ModelCallFailed(code, err.message);
  }
}

/**
 * Records a model call's tokens (and estimated cost, when prices are known) in the usage ledger and
 * settles its budget reservation, once per task and step: a replayed step records nothing more.
 * @example await settleModelUsage(run, deps, task, step, response)
 */
export async function settleModelUsage(
  run: RunBudget,
  deps: Pick<AgentRunnerDeps, 'prices'>,
  task: AgentTask,
  step: number,
  response: ChatResponse,
): Promise<void> {
  await run.budget.settle(reservationId(task, step), run.scopes, {
    agent: task.agent,
    sessionId: task.sessionId,
    taskId: task.taskId,
    step,
    day: run.owner.day,
    budgetGroup: run.owner.group?.id,
    model: response.model,
    promptTokens: response.usage.promptTokens,
    completionTokens: response.usage.completionTokens,
    totalTokens: response.usage.totalTokens,
    costUsd: deps.prices ? estimateCostUsd(response.model, response.usage, deps.prices) : 0,
  });
}

/**
 * The reservation of a task's step: the same on every attempt, so a resumed call replaces its own.
 * @example reservationId(task, 2) // "task-1:2"
 */
export function reservationId(task: Pick<AgentTask, 'taskId'>, step: number): string {
  return `${task.taskId}:${step}`;
}
