/** The agent runtime: runner loop (on durable steps), tool registry, memory and token caps. */
export { AgentTaskSchema, AgentResultSchema, AgentErrorCodeSchema } from './types/task.ts';
export type {
  AgentTask,
  AgentTaskInput,
  AgentResult,
  AgentErrorCode,
  AgentStatus,
  ToolCallRecord,
} from './types/task.ts';
export { agentDirectory } from './types/agent.ts';
export type { AgentProfile, AgentDirectory } from './types/agent.ts';
export { agentMigrations } from './migrations.ts';
export { AgentRunner } from './runner/runner.ts';
export type { AgentRunnerDeps } from './runner/runner.ts';
export type { ApprovalDecision, ApprovalRequest } from './runner/deps.ts';
export { directSteps } from './runner/steps.ts';
export type { AgentSteps } from './runner/steps.ts';
export type { RunOptions, StepEvent } from './runner/events.ts';
export { ToolRegistry } from './tools/registry.ts';
export { defineTool } from './tools/define.ts';
export type { ToolConfig } from './tools/define.ts';
export type { RegisteredTool, ToolContext, RateLimit } from './tools/types.ts';
export { invokeToolCall, refusedToolCall } from './tools/invoke.ts';
export { kbSearchTool, upsertKbDocument } from './tools/builtin/kb-search.ts';
export { sqlQueryTool, checkReadOnlySelect } from './tools/builtin/sql-query.ts';
export { notifyTool } from './tools/builtin/notify.ts';
export type { Notifier, Notification } from './tools/builtin/notify.ts';
export { connectMcpStdio, connectMcpHttp, registerMcpTools } from './tools/mcp.ts';
export { SessionMemory } from './memory/session-memory.ts';
export { boundContext } from './memory/context.ts';
export { findSessionSummaries, saveSessionSummary } from './memory/summaries.ts';
export { UsageLedger } from './budget/usage.ts';
export type { UsageEntry } from './budget/usage.ts';
export { Budget } from './budget/budget.ts';
export type { BudgetOptions, BudgetShortfall } from './budget/budget.ts';
export { budgetScopes } from './budget/scopes.ts';
export type { BudgetAmounts, BudgetGroup, BudgetOwner, BudgetScope } from './budget/scopes.ts';
export { agentTelemetry, noopAgentTelemetry, setAgentTelemetry } from './telemetry/port.ts';
export type {
  AgentRunAttributes,
  AgentTelemetry,
  LlmCallAttributes,
  ToolCallAttributes,
  ToolCallEnd,
} from './telemetry/port.ts';
export { hashSessionId } from './telemetry/session-hash.ts';
