/**
 * The chat-model contract of the agent layer, shaped after the OpenAI-compatible Chat Completions API
 * (OpenAI, Azure OpenAI, local servers) so providers translate trivially.
 */

/** A tool call requested by the model; `arguments` is the raw JSON string the model produced. */
export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: ToolCall[] }
  | { role: 'tool'; content: string; tool_call_id: string };

/** A tool as the model sees it: name, description and JSON Schema of its arguments. */
export interface ToolSpec {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export interface ChatRequest {
  messages: ChatMessage[];
  tools?: ToolSpec[];
  /** Upper bound on completion tokens for this call (the runner derives it from the remaining budget). */
  maxTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** True when the provider reported no usage and the numbers are estimates. */
  estimated: boolean;
}

export type FinishReason = 'stop' | 'tool_calls' | 'length' | 'content_filter' | 'other';

export interface ChatResponse {
  message: Extract<ChatMessage, { role: 'assistant' }>;
  finishReason: FinishReason;
  usage: TokenUsage;
  /** The model that actually answered (after any fallback). */
  model: string;
  /** The provider label of that model, e.g. "openai", "azure-openai", "offline-deterministic". */
  provider: string;
}

/** Anything that completes a chat: one HTTP model, a fallback cascade, or the offline model. */
export interface ChatModel {
  readonly name: string;
  /** Provider label (e.g. "openai"); optional so plain test doubles stay valid. Cascades use it in failure reports. */
  readonly provider?: string;
  complete(request: ChatRequest): Promise<ChatResponse>;
}
