/**
 * Retries of ONE model: exponential backoff with jitter (the core's {@link backoffDelay}) on retryable
 * provider errors, the provider's Retry-After honoured up to a cap, a bounded number of attempts, and an
 * optional circuit breaker consulted before every attempt. Moving on to another model is cascade.ts's job.
 */
import { backoffDelay, sleep as defaultSleep } from '../../core/backoff.ts';
import type { RetryPolicy } from '../../core/backoff.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';
import { ProviderError } from './errors.ts';
import type { ChatModel, ChatRequest, ChatResponse } from './types.ts';

export const DEFAULT_LLM_RETRY_POLICY: RetryPolicy = { attempts: 3, initialDelayMs: 500, maxDelayMs: 8_000 };
/** A Retry-After longer than this gives up on the model instead of stalling the run. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 20_000;

export interface ModelRetryOptions {
  policy?: RetryPolicy;
  maxRetryAfterMs?: number;
  breaker?: CircuitBreaker;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called before each wait; for logs and metrics (never gets prompt text). */
  onRetry?: (info: { model: string; attempt: number; delayMs: number; error: ProviderError }) => void;
}

/** How one model's retried call ended: an answer, a provider failure, or a skip because its circuit is open. */
export type ModelAttemptOutcome =
  | { ok: true; response: ChatResponse; attempts: number }
  | { ok: false; error: ProviderError; attempts: number }
  | { ok: false; circuitOpen: true; attempts: number };

/**
 * The wait before the next attempt, or undefined when the error must not be retried (not retryable,
 * attempts used up, or a Retry-After beyond `maxRetryAfterMs`).
 * @example retryDelayFor(err, 1, DEFAULT_LLM_RETRY_POLICY) // 250..500 ms, or err.retryAfterMs
 */
export function retryDelayFor(
  error: ProviderError,
  attempt: number,
  policy: RetryPolicy = DEFAULT_LLM_RETRY_POLICY,
  maxRetryAfterMs: number = DEFAULT_MAX_RETRY_AFTER_MS,
  random: () => number = Math.random,
): number | undefined {
  if (!error.retryable || attempt >= policy.attempts) return undefined;
  if (error.retryAfterMs !== undefined) return error.retryAfterMs > maxRetryAfterMs ? undefined : error.retryAfterMs;
  return backoffDelay(policy, attempt, random);
}

/**
 * Calls `model` until it answers, fails for good, runs out of attempts, or its breaker refuses.
 * Anything that is not a ProviderError (the caller's abort, a bug) is rethrown at once.
 * @example const outcome = await attemptModel(model, request, { breaker })
 */
export async function attemptModel(
  model: ChatModel,
  request: ChatRequest,
  options: ModelRetryOptions = {},
): Promise<ModelAttemptOutcome> {
  const { breaker, policy = DEFAULT_LLM_RETRY_POLICY } = options;
  let attempts = 0;
  let error: ProviderError | undefined;
  for (;;) {
    if (breaker && !breaker.tryAcquire()) {
      // The circuit opened during our retries (other calls failing too): stop and report the real cause.
      return error ? { ok: false, error, attempts } : { ok: false, circuitOpen: true, attempts };
    }
    attempts += 1;
    try {
      const response = await model.complete(request);
      breaker?.recordSuccess();
      return { ok: true, response, attempts };
    } catch (caught) {
      if (!(caught instanceof ProviderError)) {
        breaker?.release();
        throw caught;
      }
      error = caught;
    }
    // A refusal (400/401/...) proves the provider is up; only availability failures count against it.
    if (error.retryable) breaker?.recordFailure();
    else breaker?.recordSuccess();
    const delayMs = retryDelayFor(error, attempts, policy, options.maxRetryAfterMs, options.random);
    if (delayMs === undefined) return { ok: false, error, attempts };
    options.onRetry?.({ model: model.name, attempt: attempts, delayMs, error });
    await (options.sleep ?? defaultSleep)(delayMs, request.signal);
    if (request.signal?.aborted) throw request.signal.reason;
  }
}

/**
 * Wraps one model with retries (and optionally a breaker); failures surface as the last ProviderError.
 * @example const model = withRetry(openAIChatModel({ ... }), { policy: { attempts: 4, initialDelayMs: 250, maxDelayMs: 4_000 } })
 */
export function withRetry(model: ChatModel, options: ModelRetryOptions = {}): ChatModel {
  return {
    name: model.name,
    provider: model.provider,
    async complete(request) {
      const outcome = await attemptModel(model, request, options);
      if (outcome.ok) return outcome.response;
      if ('error' in outcome) throw outcome.error;
      throw new ProviderError(`${model.provider ?? 'llm'} model "${model.name}" is skipped: circuit open`, {
        code: 'provider_unavailable',
        retryable: true,
        model: model.name,
        provider: model.provider ?? 'unknown',
        retryAfterMs: options.breaker?.remainingCoolDownMs,
      });
    },
  };
}
