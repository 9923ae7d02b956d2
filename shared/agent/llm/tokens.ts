/**
 * A cheap, deterministic token estimate for budgets and context trimming when no tokenizer is at hand.
 *
 * Rule: BPE tokenizers average about 4 characters per token on English text and code, so characters up to
 * U+07FF (Latin, Greek, Cyrillic, Hebrew, Arabic) count a quarter token each, rounded up; wider characters
 * (CJK, emoji, ...) usually take a token or more each, so they count one token. Each chat message adds
 * {@link MESSAGE_OVERHEAD_TOKENS} for its role and separators, each reply {@link REPLY_PRIMING_TOKENS}, and
 * each tool {@link TOOL_OVERHEAD_TOKENS} plus its JSON definition. The estimate errs slightly high, which
 * is the safe side for a budget.
 */
import type { ChatMessage, ToolSpec } from './types.ts';

/** Tokens a chat message costs beyond its content (role, separators), as in OpenAI's own accounting. */
export const MESSAGE_OVERHEAD_TOKENS = 4;
/** Tokens that prime every assistant reply. */
export const REPLY_PRIMING_TOKENS = 3;
/** Tokens per tool definition beyond its JSON text. */
export const TOOL_OVERHEAD_TOKENS = 8;

/**
 * Estimated tokens of a text.
 * @example estimateTokens('hello world') // 3
 */
export function estimateTokens(text: string): number {
  let narrow = 0;
  let wide = 0;
  for (const char of text) {
    if ((char.codePointAt(0) ?? 0) <= 0x7ff) narrow += 1;
    else wide += 1;
  }
  return Math.ceil(narrow / 4) + wide;
}

/**
 * Estimated prompt tokens of a conversation, plus the tool definitions sent with it.
 * @example estimateMessagesTokens([{ role: 'user', content: 'hi' }]) // 8
 */
export function estimateMessagesTokens(messages: readonly ChatMessage[], tools: readonly ToolSpec[] = []): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    total += MESSAGE_OVERHEAD_TOKENS + estimateTokens(message.content ?? '');
    if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? []) {
        total += MESSAGE_OVERHEAD_TOKENS + estimateTokens(call.function.name) + estimateTokens(call.function.arguments);
      }
    }
    if (message.role === 'tool') total += estimateTokens(message.tool_call_id);
  }
  for (const tool of tools) total += TOOL_OVERHEAD_TOKENS + estimateTokens(JSON.stringify(tool.function));
  return total;
}

/**
 * Estimated completion tokens of an assistant message (its text and tool calls).
 * @example estimateCompletionTokens({ role: 'assistant', content: 'done' }) // 1
 */
export function estimateCompletionTokens(message: Extract<ChatMessage, { role: 'assistant' }>): number {
  let total = estimateTokens(message.content ?? '');
  for (const call of message.tool_calls ?? []) {
    total += estimateTokens(call.function.name) + estimateTokens(call.function.arguments);
  }
  return total;
}
