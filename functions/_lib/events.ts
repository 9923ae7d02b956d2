import { z } from 'zod';
import { ToolCallRecordSchema } from '../../shared/agent/types/task.ts';

/** tasks API -> orchestrator: a task row exists and waits to be planned. */
export const TaskSubmitted = z.object({ type: z.literal('submitted'), taskId: z.string().min(1) });

/** worker -> orchestrator and supervisor: how one attempt of a sub-task ended. */
export const SubtaskResult = z.object({
  type: z.literal('result'),
  taskId: z.string().min(1),
  subtaskId: z.string().min(1),
  agent: z.string().min(1),
  attempt: z.number().int().min(1),
  ok: z.boolean(),
  output: z.string(),
  tokens: z.number().int().nonnegative(),
  /** Steps the run used and its tool calls (absent in results from before they were reported). */
  steps: z.number().int().nonnegative().optional(),
  toolCalls: z.array(ToolCallRecordSchema).optional(),
  /** Set when !ok: a stable code and a readable reason. */
  errorCode: z.string().optional(),
  error: z.string().optional(),
  /** False for failures another attempt cannot fix (budget exceeded, invalid task): escalate at once. */
  retriable: z.boolean(),
});
export type SubtaskResult = z.output<typeof SubtaskResult>;

/** orchestrator or supervisor -> worker: run this attempt of a sub-task. */
export const WorkItem = z.object({
  taskId: z.string().min(1),
  subtaskId: z.string().min(1),
  agent: z.string().min(1),
  attempt: z.number().int().min(1),
  /** The sub-task's prompt with its dependencies' outputs already injected. */
  prompt: z.string().min(1),
});
export type WorkItem = z.output<typeof WorkItem>;

/** stuck-task sweeper -> supervisor: a task made no progress past its deadline (extra fields are kept). */
export const StuckTask = z.looseObject({ type: z.literal('task.stuck'), taskId: z.string().min(1) });
export type StuckTask = z.output<typeof StuckTask>;
