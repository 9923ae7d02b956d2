import { ensureError } from '../../core/errors.ts';
import { formatIssues } from '../../core/schema.ts';
import type { ChatResponse } from '../llm/types.ts';
import { hashSessionId } from '../telemetry/session-hash.ts';
import {
  AgentTaskSchema,
  type AgentErrorCode,
  type AgentResult,
  type AgentStatus,
  type AgentTask,
} from '../types/task.ts';
import { runnerTelemetry, type AgentRunnerDeps } from './deps.ts';
import type { RunOptions } from './events.ts';
import { finishRun } from './finish.ts';
import { callModel, ModelCallFailed, reservationId, settleModelUsage } from './model-call.ts';
import { openingMessages } from './prompt.ts';
import { BudgetRefused, reserveCall, runBudget } from './reserve.ts';
import { buildResult, invalidTaskResult, type RunState } from './result.ts';
import { stepPrompt } from './step-prompt.ts';
import { directSteps, mustPropagate, type AgentSteps } from './steps.ts';
import { runToolCalls } from './tool-calls.ts';

export type { AgentRunnerDeps } from './deps.ts';

/**
 * The budgeted plan -> act -> observe loop. Every model call first reserves its estimated tokens (and cost)
 * under the session's, the agent-day's and the task group's caps, and settles the actual usage after. Every model call and every tool call is a journaled step
 * (`options.steps`, a durable function's ctx): a run that is interrupted (crash, redelivery, hand-over)
 * and run again replays what it already did, making exactly as many provider requests as one that was
 * never interrupted. `run` never rejects for the run's own failures, which become a result with an error
 * code; durable interrupts and dependency outages propagate, so the execution parks or pauses.
 */
export class AgentRunner {
  readonly #deps: AgentRunnerDeps;

  constructor(deps: AgentRunnerDeps) {
    this.#deps = deps;
  }

  /**
   * Runs (or, on a journal, resumes) a task to a result.
   * @example const result = await runner.run({ taskId, sessionId, agent: 'support', prompt: 'Where is my order?' }, { steps: ctx, onStep })
   */
  async run(input: unknown, options: RunOptions = {}): Promise<AgentResult> {
    const started = performance.now();
    const parsed = AgentTaskSchema.safeParse(input);
    if (!parsed.success) return invalidTaskResult(input, formatIssues(parsed.error.issues));
    const task = parsed.data;
    const state: RunState = { step: 0, tokensUsed: 0, messages: [], toolCalls: [], output: '' };
    const attrs = {
      agent: task.agent,
      taskId: task.taskId,
      sessionId: task.sessionId,
      maxSteps: task.maxSteps,
      tokenBudget: task.tokenBudget,
    };
    // Logs carry the task id and a hash of the session id, never the raw id or any prompt text.
    const logFields = { agent: task.agent, taskId: task.taskId, sessionHash: hashSessionId(task.sessionId) };
    const result = await runnerTelemetry(this.#deps).run(attrs, async () => {
      try {
        return await this.#run(task, state, options, started);
      } catch (error) {
        if (mustPropagate(error)) throw error;
        this.#deps.logger?.error('agent run failed', { ...logFields, error: ensureError(error).message });
        return buildResult(task.taskId, state, started, 'failed', {
          code: 'internal_error',
          error: ensureError(error).message,
          resumable: true,
        });
      }
    });
    this.#deps.logger?.info('agent run finished', {
      ...logFields,
      status: result.status,
      steps: result.stepsUsed,
      tokens: result.tokensUsed,
      toolCalls: result.toolCalls.length,
      ...(result.errorCode ? { errorCode: result.errorCode } : {}),
    });
    return result;
  }

  async #run(task: AgentTask, state: RunState, options: RunOptions, started: number): Promise<AgentResult> {
    const { registry } = this.#deps;
    const steps: AgentSteps = options.steps ?? directSteps();
    const prefix = options.stepPrefix ?? `agent:${task.taskId}:`;
    const profile = this.#deps.agents(task.agent);
    if (!profile)
      return buildResult(task.taskId, state, started, 'failed', {
        code: 'unknown_agent',
        error: `unknown agent "${task.agent}"`,
      });
    // What the prompt starts from (memory, summaries) is read once; a replay sees the same opening.
    state.messages = await steps.step(`${prefix}opening`, () =>
      openingMessages(task, profile, { memory: this.#deps.memory, sql: this.#deps.sql }),
    );
    const tools = registry.specsFor(profile.allowedTools);
    const budget = runBudget(this.#deps, task, profile);
    const end = (status: AgentStatus, code?: AgentErrorCode, error?: string, resumable = false): Promise<AgentResult> =>
      finishRun(this.#deps, steps, prefix, task, state, started, status, code, error, resumable);

    while (state.step < task.maxSteps) {
      if (options.signal?.aborted) return end('cancelled', 'interrupted', 'run aborted', true);
      const step = state.step + 1;
      const remaining = task.tokenBudget - state.tokensUsed;
      const next = stepPrompt(state.messages, tools, profile, remaining);
      if (!next) {
        return end(
          'failed',
          'token_budget_exceeded',
          `${remaining} tokens left of ${task.tokenBudget}, not enough for another step`,
        );
      }
      let response: ChatResponse;
      try {
        // One attempt per step: the model client retries and falls back on its own; a failure here is
        // not journaled, so a later attempt of the task reserves and calls the model again.
        response = await steps.step(
          `${prefix}model:${step}`,
          async (signal) => {
            const id = reservationId(task, step);
            const fitted = await reserveCall(budget, id, next, this.#deps.model.name, this.#deps.prices);
            try {
              return await callModel(this.#deps, task, step, fitted, tools, anySignal(options.signal, signal));
            } catch (error) {
              // A reservation left behind (KV down now) expires on its own.
              await budget.budget.release(id, budget.scopes).catch((releaseError: unknown) => {
                this.#deps.logger?.warn('budget reservation not released', {
                  id,
                  error: ensureError(releaseError).message,
                });
              });
              throw error;
            }
          },
          { retries: 1 },
        );
      } catch (error) {
        if (error instanceof BudgetRefused) return end('failed', error.code, error.message);
        if (error instanceof ModelCallFailed) return end('failed', error.code, error.message, true);
        throw error;
      }
      state.tokensUsed += response.usage.totalTokens;
      await settleModelUsage(budget, this.#deps, task, step, response);
      state.messages.push(response.message);
      if (response.message.content) state.output = response.message.content;
      const calls = response.message.tool_calls ?? [];
      const event = {
        taskId: task.taskId,
        step,
        model: response.model,
        finishReason: response.finishReason,
        toolCalls: [] as AgentResult['toolCalls'],
        final: calls.length === 0,
      };
      if (calls.length === 0) {
        state.step = step;
        await this.#emit(options, { ...event, tokensUsed: state.tokensUsed });
        return end('completed');
      }
      if (state.tokensUsed >= task.tokenBudget) {
        state.step = step;
        return end('failed', 'token_budget_exceeded', `used ${state.tokensUsed} of ${task.tokenBudget} tokens`);
      }
      const outcomes = await runToolCalls(this.#deps, steps, prefix, task, profile, step, calls, options.signal);
      outcomes.forEach((o, i) => state.messages.push({ role: 'tool', tool_call_id: calls[i]!.id, content: o.content }));
      event.toolCalls = outcomes.map((o) => o.record);
      state.toolCalls.push(...event.toolCalls);
      state.step = step;
      try {
        await this.#emit(options, { ...event, tokensUsed: state.tokensUsed });
      } catch (error) {
        if (mustPropagate(error)) throw error;
        return end('failed', 'interrupted', `onStep failed: ${ensureError(error).message}`, true);
      }
    }
    return end('failed', 'max_steps_reached', `stopped after ${task.maxSteps} steps`);
  }

  async #emit(options: RunOptions, event: Parameters<NonNullable<RunOptions['onStep']>>[0]): Promise<void> {
    if (options.onStep) await options.onStep(event);
  }
}

function anySignal(a: AbortSignal | undefined, b: AbortSignal): AbortSignal {
  return a ? AbortSignal.any([a, b]) : b;
}
