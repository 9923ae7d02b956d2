import type { FinishReason } from '../llm/types.ts';
import type { ToolCallRecord } from '../types/task.ts';
import type { AgentSteps } from './steps.ts';

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
  /**
   * The journal of the run: a durable function's `ctx`, so a resumed run replays its model and tool
   * calls instead of making them again. Default {@link directSteps} (nothing journaled).
   */
  steps?: AgentSteps;
  /** Step ids are `<stepPrefix>model:<n>`, `<stepPrefix>tool:<n>:<i>`, ...; default `agent:<taskId>:`. */
  stepPrefix?: string;
  /**
   * Called after each completed step, again for replayed steps when a run resumes (make it idempotent).
   * A throw interrupts the run.
   */
  onStep?: (event: StepEvent) => void | Promise<void>;
  /** Aborting interrupts the run between steps (and cancels in-flight model and tool calls). */
  signal?: AbortSignal;
}
