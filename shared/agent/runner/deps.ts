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
}

/**
 * The telemetry of a run: the injected one, else whatever the host installed at the time of the call.
 * @example await runnerTelemetry(deps).llmCall(attrs, () => model.complete(request))
 */
export function runnerTelemetry(deps: AgentRunnerDeps): AgentTelemetry {
  return deps.telemetry ?? agentTelemetry();
}
