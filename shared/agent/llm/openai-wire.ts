/**
 * Translation between Hearth's chat contract and the OpenAI Chat Completions wire format, kept apart
 * from the HTTP code so both sides are unit-testable without a server.
 */
import { estimateCompletionTokens, estimateMessagesTokens } from './tokens.ts';
import type { ChatRequest, ChatResponse, FinishReason, TokenUsage, ToolCall } from './types.ts';

/** Which body field bounds the completion: older and local servers know `max_tokens`; OpenAI's reasoning models want `max_completion_tokens`. */
export type MaxTokensField = 'max_tokens' | 'max_completion_tokens';

/**
 * The JSON body of a chat completion request. `model` is omitted for Azure, which routes by deployment.
 * @example toWireRequest({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 64 }, { model: 'gpt-4o' })
 */
export function toWireRequest(
  request: ChatRequest,
  options: { model?: string; maxTokensField?: MaxTokensField } = {},
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (options.model !== undefined) body['model'] = options.model;
  body['messages'] = request.messages;
  if (request.tools && request.tools.length > 0) body['tools'] = request.tools;
  if (request.maxTokens !== undefined) body[options.maxTokensField ?? 'max_tokens'] = request.maxTokens;
  if (request.temperature !== undefined) body['temperature'] = request.temperature;
  return body;
}

/** Thrown by {@link parseCompletion} when a 2xx body is not a chat completion; the caller wraps it. */
export class MalformedCompletionError extends Error {
  constructor(problem: string) {
    super(`malformed chat completion: ${problem}`);
    this.name = 'MalformedCompletionError';
  }
}

/**
 * Reads `choices[0].message`, `finish_reason` and `usage` out of a completion body. Missing usage is
 * estimated (and flagged `estimated`), so budgets still move when a local server reports none.
 * @example parseCompletion(json, request, { model: 'gpt-4o', provider: 'openai' })
 */
export function parseCompletion(
  json: unknown,
  request: ChatRequest,
  identity: { model: string; provider: string },
): ChatResponse {
  const choice = firstChoice(json);
  const raw = choice['message'];
  if (!isRecord(raw)) throw new MalformedCompletionError('choices[0].message is missing');
  const content = raw['content'];
  if (content !== null && content !== undefined && typeof content !== 'string') {
    throw new MalformedCompletionError('choices[0].message.content is not a string');
  }
  const toolCalls = parseToolCalls(raw['tool_calls']);
  const message: ChatResponse['message'] = { role: 'assistant', content: content ?? null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    message,
    finishReason: finishReasonOf(choice['finish_reason'], toolCalls.length > 0),
    usage: usageOf(isRecord(json) ? json['usage'] : undefined, request, message),
    model: identity.model,
    provider: identity.provider,
  };
}

function firstChoice(json: unknown): Record<string, unknown> {
  if (!isRecord(json)) throw new MalformedCompletionError('body is not a JSON object');
  const choices = json['choices'];
  if (!Array.isArray(choices) || choices.length === 0) throw new MalformedCompletionError('choices is empty');
  const choice: unknown = choices[0];
  if (!isRecord(choice)) throw new MalformedCompletionError('choices[0] is not an object');
  return choice;
}

function parseToolCalls(value: unknown): ToolCall[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new MalformedCompletionError('tool_calls is not an array');
  return value.map((item: unknown, index): ToolCall => {
    const fn = isRecord(item) ? item['function'] : undefined;
    if (!isRecord(item) || !isRecord(fn) || typeof fn['name'] !== 'string') {
      throw new MalformedCompletionError(`tool_calls[${index}] has no function name`);
    }
    // Some local servers send arguments as an object rather than the JSON string OpenAI specifies.
    const args = fn['arguments'];
    const argumentsText = typeof args === 'string' ? args : JSON.stringify(args ?? {});
    const id = typeof item['id'] === 'string' && item['id'] !== '' ? item['id'] : `call_unnamed_${index}`;
    return { id, type: 'function', function: { name: fn['name'], arguments: argumentsText } };
  });
}

/** Maps the provider's reason; local servers often say "stop" next to tool calls, which means tool_calls. */
function finishReasonOf(value: unknown, hasToolCalls: boolean): FinishReason {
  if (hasToolCalls && (value === 'stop' || value === 'tool_calls' || value === 'function_call' || value == null)) {
    return 'tool_calls';
  }
  if (value === 'stop' || value === 'length' || value === 'content_filter' || value === 'tool_calls') return value;
  if (value === 'function_call') return 'tool_calls';
  return 'other';
}

function usageOf(value: unknown, request: ChatRequest, message: ChatResponse['message']): TokenUsage {
  if (isRecord(value) && isCount(value['prompt_tokens']) && isCount(value['completion_tokens'])) {
    const promptTokens = value['prompt_tokens'];
    const completionTokens = value['completion_tokens'];
    const total = isCount(value['total_tokens']) ? value['total_tokens'] : promptTokens + completionTokens;
    return { promptTokens, completionTokens, totalTokens: total, estimated: false };
  }
  const promptTokens = estimateMessagesTokens(request.messages, request.tools);
  const completionTokens = estimateCompletionTokens(message);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, estimated: true };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
