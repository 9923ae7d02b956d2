import type { ToolCall } from '../llm/types.ts';
import { invokeToolCall, type ToolCallOutcome } from '../tools/invoke.ts';
import type { AgentProfile } from '../types/agent.ts';
import type { AgentTask } from '../types/task.ts';
import { runnerTelemetry, type AgentRunnerDeps } from './deps.ts';

/**
 * Runs the tool calls of one step concurrently, each inside a tool span; outcomes come back in call order.
 * @example const outcomes = await runToolCalls(deps, task, profile, step, calls, options.signal)
 */
export function runToolCalls(
  deps: AgentRunnerDeps,
  task: AgentTask,
  profile: AgentProfile,
  step: number,
  calls: readonly ToolCall[],
  signal: AbortSignal | undefined,
): Promise<ToolCallOutcome[]> {
  const { registry, sql, kv } = deps;
  return Promise.all(
    calls.map((call, callIndex) => {
      const toolAttrs = {
        agent: task.agent,
        taskId: task.taskId,
        step,
        tool: call.function.name,
        version: registry.get(call.function.name)?.version,
        callId: call.id,
      };
      return runnerTelemetry(deps).toolCall(toolAttrs, () =>
        invokeToolCall({ registry, sql, kv }, call, {
          agent: task.agent,
          allowedTools: profile.allowedTools,
          taskId: task.taskId,
          sessionId: task.sessionId,
          step,
          callIndex,
          signal,
        }),
      );
    }),
  );
}
