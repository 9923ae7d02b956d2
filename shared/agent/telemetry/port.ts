/**
 * The agent layer's telemetry port: wrappers around the agent run, each model call and each tool call,
 * so an adapter (shared/adapters/telemetry) can add spans and metrics without this layer importing an
 * SDK. The default is a no-op; the host installs the real one with {@link setAgentTelemetry}.
 */
import type { ChatResponse } from '../llm/types.ts';
import type { AgentResult } from '../types/task.ts';

/** Facts about one agent run; never the prompt, and the session id only for hashing. */
export interface AgentRunAttributes {
  agent: string;
  taskId: string;
  /** Raw session id: implementations must hash it before it leaves the process (logs, spans). */
  sessionId: string;
  maxSteps: number;
  tokenBudget: number;
}

/** Facts about one model call (the request side); the response supplies model, tokens and finish reason. */
export interface LlmCallAttributes {
  agent: string;
  taskId: string;
  step: number;
  /** The model (or cascade) asked; the response names the one that answered. */
  requestModel: string;
  provider: string | undefined;
  maxTokens: number;
  toolCount: number;
}

/** Facts about one tool call. */
export interface ToolCallAttributes {
  agent: string;
  taskId: string;
  step: number;
  tool: string;
  /** Undefined when the tool is unknown to the registry. */
  version: string | undefined;
  callId: string;
}

/** What a tool call ended with: ok, error, refused (permission, rate limit, unknown) or invalid arguments. */
export interface ToolCallEnd {
  status: string;
}

/** Spans and counters around the agent loop. Every wrapper must call `fn` exactly once and return its result. */
export interface AgentTelemetry {
  run(attrs: AgentRunAttributes, fn: () => Promise<AgentResult>): Promise<AgentResult>;
  llmCall(attrs: LlmCallAttributes, fn: () => Promise<ChatResponse>): Promise<ChatResponse>;
  toolCall<T extends ToolCallEnd>(attrs: ToolCallAttributes, fn: () => Promise<T>): Promise<T>;
}

/**
 * Telemetry that records nothing.
 * @example new AgentRunner({ ...deps, telemetry: noopAgentTelemetry })
 */
export const noopAgentTelemetry: AgentTelemetry = {
  run: (_attrs, fn) => fn(),
  llmCall: (_attrs, fn) => fn(),
  toolCall: (_attrs, fn) => fn(),
};

let installed: AgentTelemetry = noopAgentTelemetry;

/**
 * Installs the process-wide telemetry runners use when their deps name none (the host calls this at
 * start, since handlers build runners without seeing the host). Returns the previous one.
 * @example const previous = setAgentTelemetry(otelAgentTelemetry(metrics)); ...; setAgentTelemetry(previous)
 */
export function setAgentTelemetry(telemetry: AgentTelemetry): AgentTelemetry {
  const previous = installed;
  installed = telemetry;
  return previous;
}

/**
 * The process-wide agent telemetry (no-op until the host installs one).
 * @example const telemetry = deps.telemetry ?? agentTelemetry()
 */
export function agentTelemetry(): AgentTelemetry {
  return installed;
}
