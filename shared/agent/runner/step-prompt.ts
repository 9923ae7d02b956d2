import { estimateMessagesTokens } from '../llm/tokens.ts';
import type { ChatMessage, ToolSpec } from '../llm/types.ts';
import { boundContext } from '../memory/context.ts';
import type { AgentProfile } from '../types/agent.ts';

/** Below this many completion tokens a model call cannot produce anything useful: stop instead. */
export const MIN_COMPLETION_TOKENS = 16;

/** The prompt of the next model call and the completion tokens it may use. */
export interface StepPrompt {
  prompt: ChatMessage[];
  /** The prompt's estimated size, what a budget reservation counts before the provider answers. */
  promptTokens: number;
  maxTokens: number;
}

/**
 * Fits the next model call into what the task has left: the context bounded to the profile's window
 * (leaving room for a completion), then the completion tokens that still fit. Undefined when not even
 * MIN_COMPLETION_TOKENS would fit, so the run stops instead of making a useless call.
 * @example const next = stepPrompt(state.messages, tools, profile, task.tokenBudget - state.tokensUsed)
 */
export function stepPrompt(
  messages: readonly ChatMessage[],
  tools: ToolSpec[],
  profile: AgentProfile,
  remaining: number,
): StepPrompt | undefined {
  const bound = Math.min(profile.contextTokens ?? 4096, remaining - MIN_COMPLETION_TOKENS);
  const prompt = bound > 0 ? boundContext(messages, bound, tools) : [];
  const promptTokens = estimateMessagesTokens(prompt, tools);
  const maxTokens = Math.min(profile.maxCompletionTokens ?? 1024, remaining - promptTokens);
  if (bound <= 0 || maxTokens < MIN_COMPLETION_TOKENS) return undefined;
  return { prompt, promptTokens, maxTokens };
}
