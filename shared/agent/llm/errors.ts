/**
 * Typed LLM failures. Messages name the provider, model and HTTP status, never prompt or completion text,
 * so they are safe to log and to put on a dead letter.
 */
import { HearthError } from '../../core/errors.ts';

/** Stable codes of {@link ProviderError}. */
export type ProviderErrorCode =
  | 'provider_rate_limited'
  | 'provider_unavailable'
  | 'provider_timeout'
  | 'provider_network'
  | 'provider_auth'
  | 'provider_rejected'
  | 'provider_bad_response';

/**
 * One failed call to one model. `retryable` says whether the same request may succeed later (429, 408,
 * 409, 5xx, timeouts, network errors, malformed bodies); `retryAfterMs` carries the provider's hint.
 * @example throw new ProviderError('openai model "gpt-4o" answered HTTP 429', { code: 'provider_rate_limited', status: 429, retryable: true, model: 'gpt-4o', provider: 'openai' })
 */
export class ProviderError extends HearthError {
  declare readonly code: ProviderErrorCode;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly model: string;
  readonly provider: string;
  constructor(
    message: string,
    options: {
      code: ProviderErrorCode;
      retryable: boolean;
      model: string;
      provider: string;
      status?: number;
      retryAfterMs?: number;
      cause?: unknown;
    },
  ) {
    super(message, { code: options.code, cause: options.cause });
    this.name = 'ProviderError';
    this.status = options.status;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.model = options.model;
    this.provider = options.provider;
  }
}

/** Why one model of a cascade did not answer. */
export interface ModelFailure {
  model: string;
  provider: string;
  /** `circuit_open` when skipped without a call, else the ProviderError code. */
  reason: ProviderErrorCode | 'circuit_open';
  status?: number;
  /** Requests sent to this model during the failed call (0 when skipped). */
  attempts: number;
  retryable: boolean;
}

/**
 * Every model of a cascade failed or was skipped. Deliberately NOT a NonRetriableError: the usual cause
 * is an outage or rate limit that a later redelivery (bounded by the function's retry policy) can outlive.
 * The runner maps `code === 'all_models_failed'` to a `failed` result; `retryable` is false only when every
 * model refused the request outright (400/401/403/404), where trying again later cannot help.
 * @example catch (e) { if (e instanceof AllModelsFailedError) log.warn(e.message, { failures: e.failures }) }
 */
export class AllModelsFailedError extends HearthError {
  readonly failures: readonly ModelFailure[];
  readonly retryable: boolean;
  /** Earliest moment worth retrying, when known (a Retry-After hint or a circuit's remaining cool-down). */
  readonly retryAfterMs: number | undefined;
  constructor(failures: readonly ModelFailure[], options: { retryAfterMs?: number } = {}) {
    super(`all ${failures.length} models failed: ${failures.map(describeFailure).join('; ')}`, {
      code: 'all_models_failed',
    });
    this.name = 'AllModelsFailedError';
    this.failures = failures;
    this.retryable = failures.some((f) => f.retryable);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * One line per failure, e.g. `openai/gpt-4o: HTTP 503 provider_unavailable after 3 attempts`.
 * @example describeFailure({ model: 'm', provider: 'openai', reason: 'circuit_open', attempts: 0, retryable: true })
 */
export function describeFailure(f: ModelFailure): string {
  if (f.reason === 'circuit_open') return `${f.provider}/${f.model}: skipped, circuit open`;
  const status = f.status === undefined ? '' : `HTTP ${f.status} `;
  return `${f.provider}/${f.model}: ${status}${f.reason} after ${f.attempts} attempt${f.attempts === 1 ? '' : 's'}`;
}
