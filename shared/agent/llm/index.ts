export { CascadeModel, cascadeModel } from './cascade.ts';
export type { CascadeMemberState, CascadeOptions } from './cascade.ts';
export { CircuitBreaker, DEFAULT_COOL_DOWN_MS, DEFAULT_FAILURE_THRESHOLD } from './circuit-breaker.ts';
export type { CircuitBreakerOptions, CircuitState } from './circuit-breaker.ts';
export { AllModelsFailedError, describeFailure, ProviderError } from './errors.ts';
export type { ModelFailure, ProviderErrorCode } from './errors.ts';
export { chatModelFromEnv, llmEnv, priceTableFromEnv } from './from-env.ts';
export type { LlmEnv } from './from-env.ts';
export { OFFLINE_MODEL_NAME, OfflineDeterministicModel, pickTools } from './offline-model.ts';
export { argumentsFromSchema } from './offline-args.ts';
export {
  azureOpenAIChatModel,
  DEFAULT_AZURE_API_VERSION,
  DEFAULT_TIMEOUT_MS,
  OpenAICompatibleModel,
  openAIChatModel,
} from './openai-model.ts';
export type { AzureOpenAIModelOptions, OpenAIModelOptions } from './openai-model.ts';
export { parseCompletion, toWireRequest } from './openai-wire.ts';
export type { MaxTokensField } from './openai-wire.ts';
export { estimateCostUsd, parsePriceTable, priceOf } from './prices.ts';
export type { PriceTable } from './prices.ts';
export { parseRetryAfter } from './retry-after.ts';
export {
  attemptModel,
  DEFAULT_LLM_RETRY_POLICY,
  DEFAULT_MAX_RETRY_AFTER_MS,
  retryDelayFor,
  withRetry,
} from './retry.ts';
export type { ModelAttemptOutcome, ModelRetryOptions } from './retry.ts';
export {
  estimateCompletionTokens,
  estimateMessagesTokens,
  estimateTokens,
  MESSAGE_OVERHEAD_TOKENS,
  REPLY_PRIMING_TOKENS,
  TOOL_OVERHEAD_TOKENS,
} from './tokens.ts';
export type {
  ChatMessage,
  ChatModel,
  ChatRequest,
  ChatResponse,
  FinishReason,
  TokenUsage,
  ToolCall,
  ToolSpec,
} from './types.ts';
