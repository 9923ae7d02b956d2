/**
 * A ChatModel over an ordered list of models (primary -> cheaper -> another provider). Each model gets
 * its own retries and circuit breaker; a model whose circuit is open is skipped without a request; when a
 * model still fails after its retries the next one is tried. When none answers the call throws
 * {@link AllModelsFailedError} listing every model and why, never prompt text.
 */
import type { Logger } from '../../core/ports.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { CircuitBreakerOptions, CircuitState } from './circuit-breaker.ts';
import { AllModelsFailedError } from './errors.ts';
import type { ModelFailure } from './errors.ts';
import { attemptModel } from './retry.ts';
import type { ModelRetryOptions } from './retry.ts';
import type { ChatModel, ChatRequest, ChatResponse } from './types.ts';

export interface CascadeOptions extends Omit<ModelRetryOptions, 'breaker'> {
  /** Settings of the breaker each model gets. */
  breaker?: CircuitBreakerOptions;
  log?: Logger;
}

/** A model's place in the cascade and the health of its circuit, for health checks and metrics. */
export interface CascadeMemberState {
  model: string;
  provider: string;
  circuit: CircuitState;
}

/** Tries models in order; see the module comment. Build it with {@link cascadeModel}. */
export class CascadeModel implements ChatModel {
  readonly name: string;
  readonly provider = 'cascade';
  readonly #members: readonly { model: ChatModel; breaker: CircuitBreaker }[];
  readonly #options: CascadeOptions;

  constructor(models: readonly ChatModel[], options: CascadeOptions = {}) {
    if (models.length === 0) throw new RangeError('a model cascade needs at least one model');
    this.#members = models.map((model) => ({ model, breaker: new CircuitBreaker(options.breaker) }));
    this.#options = options;
    this.name = models.map((m) => m.name).join(',');
  }

  /** Circuit state of every model, in cascade order. */
  states(): CascadeMemberState[] {
    return this.#members.map(({ model, breaker }) => ({
      model: model.name,
      provider: model.provider ?? 'unknown',
      circuit: breaker.state,
    }));
  }

  async complete(request: ChatRequest): Promise<ChatResponse> {
    const failures: ModelFailure[] = [];
    const waits: number[] = [];
    for (const { model, breaker } of this.#members) {
      const provider = model.provider ?? 'unknown';
      const outcome = await attemptModel(model, request, { ...this.#options, breaker });
      if (outcome.ok) {
        if (failures.length > 0) this.#options.log?.info('llm fallback answered', { model: model.name, provider });
        return outcome.response;
      }
      let failure: ModelFailure;
      if ('error' in outcome) {
        const { error } = outcome;
        failure = {
          model: model.name,
          provider,
          reason: error.code,
          attempts: outcome.attempts,
          retryable: error.retryable,
        };
        if (error.status !== undefined) failure.status = error.status;
        if (error.retryAfterMs !== undefined) waits.push(error.retryAfterMs);
      } else {
        failure = { model: model.name, provider, reason: 'circuit_open', attempts: outcome.attempts, retryable: true };
        waits.push(breaker.remainingCoolDownMs);
      }
      failures.push(failure);
      this.#options.log?.warn('llm model failed, trying the next one', { ...failure, circuit: breaker.state });
    }
    throw new AllModelsFailedError(failures, waits.length > 0 ? { retryAfterMs: Math.min(...waits) } : {});
  }
}

/**
 * A fallback cascade over `models`, in order of preference.
 * @example const model = cascadeModel([gpt4o, gpt4oMini, azureGpt4o], { breaker: { failureThreshold: 3 }, log })
 */
export function cascadeModel(models: readonly ChatModel[], options: CascadeOptions = {}): CascadeModel {
  return new CascadeModel(models, options);
}
