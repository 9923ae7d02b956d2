import { deleteCheckpoint } from '../checkpoint/store.ts';
import type { AgentErrorCode, AgentResult, AgentStatus, AgentTask } from '../types/task.ts';
import type { AgentRunnerDeps } from './deps.ts';
import { buildResult, type RunState } from './result.ts';

/**
 * Ends a run. Unless `keep` (an interrupted run that can resume), the checkpoint is deleted and the
 * prompt and final output are appended to session memory; then the result is built.
 * @example return finishRun(deps, task, state, started, 'failed', 'max_steps_reached', 'stopped after 8 steps')
 */
export async function finishRun(
  deps: Pick<AgentRunnerDeps, 'sql' | 'memory'>,
  task: AgentTask,
  state: RunState,
  started: number,
  status: AgentStatus,
  code?: AgentErrorCode,
  error?: string,
  keep = false,
): Promise<AgentResult> {
  if (!keep) {
    await deleteCheckpoint(deps.sql, task.taskId);
    if (deps.memory && state.output) {
      await deps.memory.append(task.sessionId, task.agent, [
        { role: 'user', content: task.prompt },
        { role: 'assistant', content: state.output },
      ]);
    }
  }
  return buildResult(task.taskId, state, started, status, { code, error, resumable: keep });
}
