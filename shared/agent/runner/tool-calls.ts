import type { ToolCall } from '../llm/types.ts';
import { invokeToolCall, refusedToolCall, type ToolCallOutcome } from '../tools/invoke.ts';
import type { AgentProfile } from '../types/agent.ts';
import type { AgentTask } from '../types/task.ts';
import { runnerTelemetry, type AgentRunnerDeps } from './deps.ts';
import type { AgentSteps } from './steps.ts';

/**
 * Runs the tool calls of one step concurrently, each a journaled step inside a tool span (a resumed run
 * gets the recorded outcome back and never runs the tool again). A side-effecting tool first asks
 * `deps.approve`, when given; a refusal goes back to the model. Outcomes come back in call order.
 * @example const outcomes = await runToolCalls(deps, steps, prefix, task, profile, step, calls, options.signal)
 */
export function runToolCalls(
  deps: AgentRunnerDeps,
  steps: AgentSteps,
  prefix: string,
  task: AgentTask,
  profile: AgentProfile,
  step: number,
  calls: readonly ToolCall[],
  signal: AbortSignal | undefined,
): Promise<ToolCallOutcome[]> {
  const { registry, sql, kv } = deps;
  return Promise.all(
    calls.map(async (call, callIndex) => {
      const tool = registry.get(call.function.name);
      const site = {
        agent: task.agent,
        allowedTools: profile.allowedTools,
        taskId: task.taskId,
        sessionId: task.sessionId,
        step,
        callIndex,
        signal,
      };
      if (tool?.sideEffects && deps.approve && profile.allowedTools.includes(tool.name)) {
        const decision = await deps.approve({ tool: tool.name, arguments: call.function.arguments, step, callIndex });
        if (!decision.approved) {
          return steps.step(`${prefix}tool:${step}:${callIndex}`, () =>
            refusedToolCall(
              { sql },
              call,
              site,
              `refused: not approved${decision.reason ? ` (${decision.reason})` : ''}`,
            ),
          );
        }
      }
      const toolAttrs = {
        agent: task.agent,
        taskId: task.taskId,
        step,
        tool: call.function.name,
        version: tool?.version,
        callId: call.id,
      };
      return steps.step(`${prefix}tool:${step}:${callIndex}`, (stepSignal) =>
        runnerTelemetry(deps).toolCall(toolAttrs, () =>
          invokeToolCall({ registry, sql, kv }, call, { ...site, signal: anySignal(signal, stepSignal) }),
        ),
      );
    }),
  );
}

function anySignal(a: AbortSignal | undefined, b: AbortSignal): AbortSignal {
  return a ? AbortSignal.any([a, b]) : b;
}
