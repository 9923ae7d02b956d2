import { ensureError } from '../../core/errors.ts';
import { formatIssues } from '../../core/schema.ts';
import { capRefusal } from '../budget/caps.ts';
import { UsageLedger } from '../budget/usage.ts';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint/store.ts';
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
import { callModel, recordModelUsage } from './model-call.ts';
import { openingMessages } from './prompt.ts';
import { buildResult, invalidTaskResult, type RunState } from './result.ts';
import { stepPrompt } from './step-prompt.ts';
import { runToolCalls } from './tool-calls.ts';

export type { AgentRunnerDeps } from './deps.ts';

type State = RunState;

/**
 * The budgeted plan -> act -> observe loop. `run` never rejects: every failure is a result with an
 * error code. A run interrupted (abort, onStep throw, model outage, infrastructure error) keeps its
 * checkpoint, so running the same task again resumes after the last completed step.
 */
export class AgentRunner {
  readonly #deps: AgentRunnerDeps;
  readonly #usage: UsageLedger;

  constructor(deps: AgentRunnerDeps) {
    this.#deps = deps;
    this.#usage = new UsageLedger(deps.sql, deps.kv);
  }

  /**
   * Runs (or resumes) a task to a result.
   * @example const result = await runner.run({ taskId, sessionId, agent: 'support', prompt: 'Where is my order?' }, { onStep })
   */
  async run(input: unknown, options: RunOptions = {}): Promise<AgentResult> {
    const started = performance.now();
    const parsed = AgentTaskSchema.safeParse(input);
    if (!parsed.success) return invalidTaskResult(input, formatIssues(parsed.error.issues));
    const task = parsed.data;
    const state: State = { step: 0, tokensUsed: 0, messages: [], toolCalls: [], output: '' };
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

  async #run(task: AgentTask, state: State, options: RunOptions, started: number): Promise<AgentResult> {
    const { sql, registry } = this.#deps;
    const profile = this.#deps.agents(task.agent);
    if (!profile)
      return buildResult(task.taskId, state, started, 'failed', {
        code: 'unknown_agent',
        error: `unknown agent "${task.agent}"`,
      });
    const checkpoint = await loadCheckpoint(sql, task.taskId);
    if (checkpoint)
      Object.assign(state, {
        step: checkpoint.step,
        tokensUsed: checkpoint.tokensUsed,
        messages: checkpoint.messages,
        toolCalls: checkpoint.toolCalls,
        output: checkpoint.output,
      });
    else state.messages = await openingMessages(task, profile, { memory: this.#deps.memory, sql });
    const tools = registry.specsFor(profile.allowedTools);
    const end = (status: AgentStatus, code?: AgentErrorCode, error?: string, keep = false): Promise<AgentResult> =>
      finishRun(this.#deps, task, state, started, status, code, error, keep);

    while (state.step < task.maxSteps) {
      if (options.signal?.aborted) return end('cancelled', 'interrupted', 'run aborted', true);
      const step = state.step + 1;
      const remaining = task.tokenBudget - state.tokensUsed;
      const refusal = await capRefusal(this.#usage, task, profile);
      if (refusal) return end('failed', refusal.code, refusal.message);
      const next = stepPrompt(state.messages, tools, profile, remaining);
      if (!next) {
        return end(
          'failed',
          'token_budget_exceeded',
          `${remaining} tokens left of ${task.tokenBudget}, not enough for another step`,
        );
      }
      const call = await callModel(this.#deps, task, step, next, tools, options.signal);
      if (!call.ok) return end('failed', call.code, call.message, true);
      const response = call.response;
      state.tokensUsed += response.usage.totalTokens;
      await recordModelUsage(this.#usage, this.#deps, task, step, response);
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
      const outcomes = await runToolCalls(this.#deps, task, profile, step, calls, options.signal);
      outcomes.forEach((o, i) => state.messages.push({ role: 'tool', tool_call_id: calls[i]!.id, content: o.content }));
      event.toolCalls = outcomes.map((o) => o.record);
      state.toolCalls.push(...event.toolCalls);
      state.step = step;
      await saveCheckpoint(sql, { taskId: task.taskId, sessionId: task.sessionId, agent: task.agent, ...state });
      try {
        await this.#emit(options, { ...event, tokensUsed: state.tokensUsed });
      } catch (error) {
        return end('failed', 'interrupted', `onStep failed: ${ensureError(error).message}`, true);
      }
    }
    return end('failed', 'max_steps_reached', `stopped after ${task.maxSteps} steps`);
  }

  async #emit(options: RunOptions, event: Parameters<NonNullable<RunOptions['onStep']>>[0]): Promise<void> {
    if (options.onStep) await options.onStep(event);
  }
}
