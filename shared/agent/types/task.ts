/**
 * The agent task and result contracts (zod), shared by the runner, the tasks API and the host.
 */
import { z } from 'zod';

export const AgentTaskSchema = z.object({
  taskId: z.string().min(1).max(200),
  sessionId: z.string().min(1).max(200),
  agent: z.string().min(1).max(100),
  prompt: z.string().min(1),
  metadata: z.record(z.string(), z.unknown()).default({}),
  maxSteps: z.number().int().min(1).max(25).default(10),
  tokenBudget: z.number().int().min(512).max(32_768).default(8192),
  /** A token budget shared with the other runs of a bigger task (e.g. every agent of one request). */
  budgetGroup: z.object({ id: z.string().min(1).max(200), tokens: z.number().int().positive() }).optional(),
});

/** A task as submitted (defaults not yet applied). */
export type AgentTaskInput = z.input<typeof AgentTaskSchema>;
/** A validated task with defaults applied. */
export type AgentTask = z.output<typeof AgentTaskSchema>;

export const AgentStatusSchema = z.enum(['pending', 'running', 'completed', 'failed', 'cancelled']);
export type AgentStatus = z.output<typeof AgentStatusSchema>;

/** Why a run stopped short; stable machine-readable codes. */
export const AgentErrorCodeSchema = z.enum([
  'max_steps_reached',
  'token_budget_exceeded',
  'session_budget_exceeded',
  'agent_daily_budget_exceeded',
  'all_models_failed',
  'model_error',
  'invalid_task',
  'unknown_agent',
  'interrupted',
  'internal_error',
]);
export type AgentErrorCode = z.output<typeof AgentErrorCodeSchema>;

export const ToolCallRecordSchema = z.object({
  name: z.string(),
  ok: z.boolean(),
  error: z.string().optional(),
  durationMs: z.number().int().nonnegative(),
});
export type ToolCallRecord = z.output<typeof ToolCallRecordSchema>;

export const AgentResultSchema = z.object({
  taskId: z.string(),
  status: AgentStatusSchema,
  output: z.string(),
  stepsUsed: z.number().int().nonnegative(),
  tokensUsed: z.number().int().nonnegative(),
  toolCalls: z.array(ToolCallRecordSchema),
  errorCode: AgentErrorCodeSchema.optional(),
  /** A human-readable reason next to errorCode (never prompt text). */
  error: z.string().optional(),
  /** True when the run stopped short for a reason another attempt may not have (a model outage). */
  resumable: z.boolean().optional(),
  durationMs: z.number().int().nonnegative(),
});
export type AgentResult = z.output<typeof AgentResultSchema>;
