import type { AgentErrorCode, AgentResult, AgentStatus, AgentTask } from '../types/task.ts';
import type { AgentRunnerDeps } from './deps.ts';
import { buildResult, type RunState } from './result.ts';
import type { AgentSteps } from './steps.ts';

/**
 * Ends a run. A finished run (not `resumable`) appends its prompt and final output to session memory,
 * once (a journaled step), then the result is built.
 * @example return finishRun(deps, steps, prefix, task, state, started, 'failed', 'max_steps_reached', 'stopped after 8 steps')
 */
export async function finishRun(
  deps: Pick<AgentRunnerDeps, 'memory' | 'rememberRuns'>,
  steps: AgentSteps,
  prefix: string,
  task: AgentTask,
  state: RunState,
  started: number,
  status: AgentStatus,
  code?: AgentErrorCode,
  error?: string,
  resumable = false,
): Promise<AgentResult> {
  const memory = deps.memory;
  if (!resumable && memory && deps.rememberRuns !== false && state.output) {
    await steps.step(`${prefix}memory`, async () => {
      await memory.append(task.sessionId, task.agent, [
        { role: 'user', content: task.prompt },
        { role: 'assistant', content: state.output },
      ]);
      return null;
    });
  }
  return buildResult(task.taskId, state, started, status, { code, error, resumable });
}
