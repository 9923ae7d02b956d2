import { ensureError } from '../../core/errors.ts';
import type { KvStore, Logger, SqlStore } from '../../core/ports.ts';
import { formatIssues } from '../../core/schema.ts';
import { capRefusal } from '../budget/caps.ts';
import { UsageLedger } from '../budget/usage.ts';
import { deleteCheckpoint, loadCheckpoint, saveCheckpoint } from '../checkpoint/store.ts';
import { estimateMessagesTokens } from '../llm/tokens.ts';
import { estimateCostUsd, type PriceTable } from '../llm/prices.ts';
import type { ChatModel, ChatResponse } from '../llm/types.ts';
import { boundContext } from '../memory/context.ts';
import type { SessionMemory } from '../memory/session-memory.ts';
import { invokeToolCall } from '../tools/invoke.ts';
import type { ToolRegistry } from '../tools/registry.ts';
import { agentTelemetry, type AgentTelemetry } from '../telemetry/port.ts';
import { hashSessionId } from '../telemetry/session-hash.ts';
import type { AgentDirectory } from '../types/agent.ts';
import {
  AgentTaskSchema,
  type AgentErrorCode,
  type AgentResult,
  type AgentStatus,
  type AgentTask,
} from '../types/task.ts';
import type { RunOptions } from './events.ts';
import { openingMessages } from './prompt.ts';
import { buildResult, type RunState } from './result.ts';

/** Below this many completion tokens a model call cannot produce anything useful: stop instead. */
const MIN_COMPLETION_TOKENS = 16;

export interface AgentRunnerDeps {
  model: ChatModel;
  registry: ToolRegistry;
  sql: SqlStore;
  kv: KvStore;
  agents: AgentDirectory;
  /** Session turns in KV and summaries in SQL; without it each task starts from its prompt alone. */
  memory?: SessionMemory;
  /** USD per 1M tokens by model, for the ledger's estimated cost; unknown models cost 0. */
  prices?: PriceTable;
  logger?: Logger;
  /** Spans and metrics around runs, model and tool calls; default the one the host installed (else no-op). */
  telemetry?: AgentTelemetry;
}

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
    if (!parsed.success) {
      const taskId =
        typeof (input as { taskId?: unknown })?.taskId === 'string' ? (input as { taskId: string }).taskId : '';
      return {
        taskId,
        status: 'failed',
        output: '',
        stepsUsed: 0,
        tokensUsed: 0,
        toolCalls: [],
        errorCode: 'invalid_task',
        error: formatIssues(parsed.error.issues),
        durationMs: 0,
      };
    }
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
    const result = await this.#telemetry().run(attrs, async () => {
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

  #telemetry(): AgentTelemetry {
    return this.#deps.telemetry ?? agentTelemetry();
  }

  async #run(task: AgentTask, state: State, options: RunOptions, started: number): Promise<AgentResult> {
    const { sql, model, registry } = this.#deps;
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
      this.#end(task, state, started, status, code, error, keep);

    while (state.step < task.maxSteps) {
      if (options.signal?.aborted) return end('cancelled', 'interrupted', 'run aborted', true);
      const step = state.step + 1;
      const remaining = task.tokenBudget - state.tokensUsed;
      const refusal = await capRefusal(this.#usage, task, profile);
      if (refusal) return end('failed', refusal.code, refusal.message);
      const bound = Math.min(profile.contextTokens ?? 4096, remaining - MIN_COMPLETION_TOKENS);
      const prompt = bound > 0 ? boundContext(state.messages, bound, tools) : [];
      const promptTokens = estimateMessagesTokens(prompt, tools);
      const maxTokens = Math.min(profile.maxCompletionTokens ?? 1024, remaining - promptTokens);
      if (bound <= 0 || maxTokens < MIN_COMPLETION_TOKENS) {
        return end(
          'failed',
          'token_budget_exceeded',
          `${remaining} tokens left of ${task.tokenBudget}, not enough for another step`,
        );
      }
      let response: ChatResponse;
      try {
        const llmAttrs = {
          agent: task.agent,
          taskId: task.taskId,
          step,
          requestModel: model.name,
          provider: model.provider,
          maxTokens,
          toolCount: tools.length,
        };
        response = await this.#telemetry().llmCall(llmAttrs, () =>
          model.complete({
            messages: prompt,
            tools: tools.length > 0 ? tools : undefined,
            maxTokens,
            signal: options.signal,
          }),
        );
      } catch (error) {
        const err = ensureError(error);
        const code = (err as { code?: unknown }).code === 'all_models_failed' ? 'all_models_failed' : 'model_error';
        return end('failed', code, err.message, true);
      }
      state.tokensUsed += response.usage.totalTokens;
      await this.#usage.record({
        agent: task.agent,
        sessionId: task.sessionId,
        taskId: task.taskId,
        step,
        model: response.model,
        promptTokens: response.usage.promptTokens,
        completionTokens: response.usage.completionTokens,
        totalTokens: response.usage.totalTokens,
        costUsd: this.#deps.prices ? estimateCostUsd(response.model, response.usage, this.#deps.prices) : 0,
      });
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
      const outcomes = await Promise.all(
        calls.map((call, callIndex) => {
          const toolAttrs = {
            agent: task.agent,
            taskId: task.taskId,
            step,
            tool: call.function.name,
            version: registry.get(call.function.name)?.version,
            callId: call.id,
          };
          return this.#telemetry().toolCall(toolAttrs, () =>
            invokeToolCall({ registry, sql, kv: this.#deps.kv }, call, {
              agent: task.agent,
              allowedTools: profile.allowedTools,
              taskId: task.taskId,
              sessionId: task.sessionId,
              step,
              callIndex,
              signal: options.signal,
            }),
          );
        }),
      );
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

  async #end(
    task: AgentTask,
    state: State,
    started: number,
    status: AgentStatus,
    code: AgentErrorCode | undefined,
    error: string | undefined,
    keep: boolean,
  ): Promise<AgentResult> {
    if (!keep) {
      await deleteCheckpoint(this.#deps.sql, task.taskId);
      if (this.#deps.memory && state.output) {
        await this.#deps.memory.append(task.sessionId, task.agent, [
          { role: 'user', content: task.prompt },
          { role: 'assistant', content: state.output },
        ]);
      }
    }
    return buildResult(task.taskId, state, started, status, { code, error, resumable: keep });
  }
}
