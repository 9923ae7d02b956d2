import type { FinishReason } from '../llm/types.ts';
import type { ToolCallRecord } from '../types/task.ts';

/** Emitted after each completed step (the tasks API streams these). Never carries prompt text. */
export interface StepEvent {
  taskId: string;
  step: number;
  /** Task tokens used after this step. */
  tokensUsed: number;
  model: string;
  finishReason: FinishReason;
  /** Tool calls run in this step. */
  toolCalls: ToolCallRecord[];
  /** True when this step produced the final answer. */
  final: boolean;
}

export interface RunOptions {
  /** Called after each step's checkpoint is saved. A throw interrupts the run; the checkpoint is kept. */
  onStep?: (event: StepEvent) => void | Promise<void>;
  /** Aborting interrupts the run between steps (and cancels in-flight model and tool calls). */
  signal?: AbortSignal;
}
