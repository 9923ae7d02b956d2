/** What an agent is allowed to do: its tools and its token caps. */
export interface AgentProfile {
  name: string;
  /** Prepended as the system message of every run. */
  systemPrompt: string;
  /** Tool names this agent may call; others are refused (and audited). */
  allowedTools: readonly string[];
  /** Total tokens one session may spend across all its tasks. */
  sessionTokenCap: number;
  /** Tokens this agent may spend per UTC day across all sessions. */
  dailyTokenCap: number;
  /** USD one session may spend across all its tasks, from the price table; no cap when absent. */
  sessionUsdCap?: number;
  /** USD this agent may spend per UTC day across all sessions; no cap when absent. */
  dailyUsdCap?: number;
  /** Token bound of the prompt sent to the model (system + history + this run). Default 4096. */
  contextTokens?: number;
  /** Upper bound of completion tokens per model call. Default 1024. */
  maxCompletionTokens?: number;
}

/** Looks an agent profile up by name; undefined when unknown. */
export type AgentDirectory = (name: string) => AgentProfile | undefined;

/**
 * Builds a directory from a list of profiles.
 * @example const agents = agentDirectory([{ name: 'support', systemPrompt: '...', allowedTools: ['kb_search'], sessionTokenCap: 50_000, dailyTokenCap: 1_000_000 }])
 */
export function agentDirectory(profiles: readonly AgentProfile[]): AgentDirectory {
  const byName = new Map(profiles.map((p) => [p.name, p]));
  return (name) => byName.get(name);
}
