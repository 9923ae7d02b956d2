/**
 * The offline stand-in for an LLM: no network, same input -> same output. It lets the whole system (runner,
 * tools, budgets, checkpoints) run and be tested without a provider:
 *  1. first step after a user message: picks the tools whose names/descriptions best match the prompt's
 *     words and calls them with arguments built from their JSON Schemas;
 *  2. once tool results follow the last user message: answers with a digest of those observations;
 *  3. with no tools (or none matching): answers from the prompt itself.
 */
import { createHash } from 'node:crypto';
import { argumentsFromSchema } from './offline-args.ts';
import { digest, keyTerms, stem, words } from './offline-text.ts';
import { estimateCompletionTokens, estimateMessagesTokens } from './tokens.ts';
import type { ChatMessage, ChatModel, ChatRequest, ChatResponse, FinishReason, ToolCall, ToolSpec } from './types.ts';

export const OFFLINE_MODEL_NAME = 'offline-deterministic';
/** At most this many tools are called in one step. */
const MAX_TOOLS_PER_STEP = 3;

/** The deterministic offline model; see the module comment. */
export class OfflineDeterministicModel implements ChatModel {
  readonly name = OFFLINE_MODEL_NAME;
  readonly provider = OFFLINE_MODEL_NAME;

  complete(request: ChatRequest): Promise<ChatResponse> {
    if (request.signal?.aborted) return Promise.reject(request.signal.reason as Error);
    const { messages, tools = [] } = request;
    const lastUser = messages.findLastIndex((m) => m.role === 'user');
    const prompt = lastUser >= 0 ? (messages[lastUser]?.content ?? '') : '';
    const observations = messages.slice(lastUser + 1).filter((m): m is ToolMessage => m.role === 'tool');
    let message: ChatResponse['message'];
    let finishReason: FinishReason = 'stop';
    const picked = observations.length === 0 ? pickTools(prompt, tools) : [];
    if (picked.length > 0) {
      message = { role: 'assistant', content: null, tool_calls: picked.map((tool, i) => toolCall(tool, prompt, i)) };
      finishReason = 'tool_calls';
    } else {
      const text =
        observations.length > 0 ? answerFromObservations(prompt, observations, messages) : answerFromPrompt(prompt);
      const limited = limitText(text, request.maxTokens);
      message = { role: 'assistant', content: limited };
      if (limited !== text) finishReason = 'length';
    }
    const promptTokens = estimateMessagesTokens(messages, tools);
    const completionTokens = estimateCompletionTokens(message);
    return Promise.resolve({
      message,
      finishReason,
      usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, estimated: true },
      model: this.name,
      provider: this.provider,
    });
  }
}

/**
 * Lexical scoring: each distinct prompt term found in a tool's name scores 3, in its description 1. The best
 * tool and any scoring at least half as well are called (at most 3, ties in the order given).
 * @example pickTools('search the docs for refunds', tools) // [kb_search spec]
 */
export function pickTools(prompt: string, tools: readonly ToolSpec[]): ToolSpec[] {
  const terms = new Set(keyTerms(prompt, 64).map((t) => stem(t.toLowerCase())));
  const scored = tools.map((tool, index) => {
    const nameWords = new Set(words(tool.function.name).map(stem));
    const descriptionWords = new Set(words(tool.function.description).map(stem));
    let score = 0;
    for (const term of terms) score += nameWords.has(term) ? 3 : descriptionWords.has(term) ? 1 : 0;
    return { tool, index, score };
  });
  const best = Math.max(0, ...scored.map((s) => s.score));
  if (best === 0) return [];
  return scored
    .filter((s) => s.score * 2 >= best)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, MAX_TOOLS_PER_STEP)
    .map((s) => s.tool);
}

function toolCall(tool: ToolSpec, prompt: string, index: number): ToolCall {
  const args = JSON.stringify(argumentsFromSchema(tool.function.parameters, prompt));
  const id = createHash('sha256').update(`${index}\u0000${tool.function.name}\u0000${args}`).digest('hex').slice(0, 16);
  return { id: `call_${id}`, type: 'function', function: { name: tool.function.name, arguments: args } };
}

type ToolMessage = Extract<ChatMessage, { role: 'tool' }>;

function answerFromObservations(prompt: string, observations: ToolMessage[], messages: readonly ChatMessage[]): string {
  const toolNames = new Map<string, string>();
  for (const m of messages) {
    if (m.role === 'assistant') for (const call of m.tool_calls ?? []) toolNames.set(call.id, call.function.name);
  }
  const lines = observations.map((o) => {
    return `- ${toolNames.get(o.tool_call_id) ?? 'tool'}: ${digest(o.content)}`;
  });
  const topic = keyTerms(prompt).join(' ');
  const count = `${observations.length} tool result${observations.length === 1 ? '' : 's'}`;
  return [`Based on ${count}${topic ? ` for "${topic}"` : ''}:`, ...lines].join('\n');
}

function answerFromPrompt(prompt: string): string {
  const terms = keyTerms(prompt);
  const about = terms.length > 0 ? `You asked about: ${terms.join(', ')}.` : 'The request was empty.';
  return `${about} (Deterministic offline answer: no language model is configured.)`;
}

/** Cuts the answer to about `maxTokens` (4 characters per token), as a real model would stop at its limit. */
function limitText(text: string, maxTokens: number | undefined): string {
  if (maxTokens === undefined || text.length <= maxTokens * 4) return text;
  return text.slice(0, Math.max(0, maxTokens * 4));
}
