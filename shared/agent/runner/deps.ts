import type { KvStore, Logger, SqlStore } from '../../core/ports.ts';
import type { PriceTable } from '../llm/prices.ts';
import type { ChatModel } from '../llm/types.ts';
import type { SessionMemory } from '../memory/session-memory.ts';
import { agentTelemetry, type AgentTelemetry } from '../telemetry/port.ts';
import type { ToolRegistry } from '../tools/registry.ts';
import type { AgentDirectory } from '../types/agent.ts';

export interface AgentRunnerDeps {
  model: ChatModel;
  registry: ToolRegistry;
  sql: SqlStore;
  kv: KvStore;
  agents: AgentDirectory;
  /** Session turns in KV and summaries in SQL; without it each task starts from its prompt alone. */
  memory?: SessionMemory;
  /** USD per 1M tokens by model, for the ledger's estimated cost; unknown models cost 0. */
  prices?: PriceTable;
  logger?: Logger;
  /** Spans and metrics around runs, model and tool calls; default the one the host installed (else no-op). */
  telemetry?: AgentTelemetry;
  /**
   * Asked before every side-effecting tool call (human in the loop); a refusal goes back to the model
   * instead of running the tool. A durable function waits here with ctx.waitForEvent.
   */
  approve?: (request: ApprovalRequest) => Promise<ApprovalDecision>;
  /** Budget reservations: a KV key prefix (separate deployments on one Redis) and how long one holds. */
  budget?: { namespace?: string; reservationTtlMs?: number };
  /**
   * Whether a finished run appends its prompt and answer to session memory (default true). Off when the
   * caller keeps the session's exchange itself, e.g. one turn per request of many agent runs.
   */
  rememberRuns?: boolean;
}

/** A side-effecting tool call waiting for someone's yes. */
export interface ApprovalRequest {
  tool: string;
  /** The arguments the model gave, as JSON text. */
  arguments: string;
  step: number;
  callIndex: number;
}

/** The answer to an {@link ApprovalRequest}. */
export interface ApprovalDecision {
  approved: boolean;
  /** Why not (a comment, or "timed out"); shown to the model. */
  reason?: string;
}

/**
 * The telemetry of a run: the injected one, else whatever the host installed at the time of the call.
 * @example await runnerTelemetry(deps).llmCall(attrs, () => model.complete(request))
 */
export function runnerTelemetry(deps: AgentRunnerDeps): AgentTelemetry {
  return deps.telemetry ?? agentTelemetry();
}
