import type { ChatMessage } from '../llm/types.ts';
import type { AgentErrorCode, AgentResult, AgentStatus, ToolCallRecord } from '../types/task.ts';

/** The progress of a run, rebuilt from its journaled steps on every replay. */
export interface RunState {
  /** The last step that completed (model answered and its tool calls ran). */
  step: number;
  tokensUsed: number;
  messages: ChatMessage[];
  toolCalls: ToolCallRecord[];
  /** Best output so far (the latest assistant text). */
  output: string;
}

/**
 * Builds the AgentResult of a run from its state.
 * @example buildResult('task-1', state, started, 'failed', { code: 'max_steps_reached' })
 */
export function buildResult(
  taskId: string,
  state: RunState,
  started: number,
  status: AgentStatus,
  end: { code?: AgentErrorCode; error?: string; resumable?: boolean } = {},
): AgentResult {
  return {
    taskId,
    status,
    output: state.output,
    stepsUsed: state.step,
    tokensUsed: state.tokensUsed,
    toolCalls: state.toolCalls,
    ...(end.code ? { errorCode: end.code } : {}),
    ...(end.error ? { error: end.error } : {}),
    ...(end.resumable ? { resumable: true } : {}),
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * The result of input that is not a valid task: nothing ran; the task id is kept when there is one.
 * @example if (!parsed.success) return invalidTaskResult(input, formatIssues(parsed.error.issues))
 */
export function invalidTaskResult(input: unknown, error: string): AgentResult {
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
    error,
    durationMs: 0,
  };
}
