/**
 * Typed errors decide what the runtime does with a failure: retry vs dead-letter is chosen by class,
 * never by matching message strings.
 */

/** Base class of every Hearth error; `code` is stable and machine-readable. */
export class HearthError extends Error {
  readonly code: string;
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HearthError';
    this.code = options.code ?? 'hearth_error';
  }
}

/**
 * A failure that retrying cannot fix: the event goes straight to the dead-letter topic.
 * @example throw new NonRetriableError('customer 42 does not exist')
 */
export class NonRetriableError extends HearthError {
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { code: options.code ?? 'non_retriable', cause: options.cause });
    this.name = 'NonRetriableError';
  }
}

/**
 * A transient failure with a known delay before the next attempt (e.g. an upstream's Retry-After).
 * @example throw new RetryAfterError('rate limited', { retryAfterMs: 2_000 })
 */
export class RetryAfterError extends HearthError {
  readonly retryAfterMs: number;
  constructor(message: string, options: { retryAfterMs: number; code?: string; cause?: unknown }) {
    super(message, { code: options.code ?? 'retry_after', cause: options.cause });
    this.name = 'RetryAfterError';
    this.retryAfterMs = Math.max(0, options.retryAfterMs);
  }
}

/**
 * The caller sent too much, too fast: HTTP answers 429 with Retry-After; an event is retried after it.
 * @example throw new RateLimitedError('60 tasks per minute per caller', { retryAfterMs: 12_000 })
 */
export class RateLimitedError extends RetryAfterError {
  constructor(message: string, options: { retryAfterMs: number }) {
    super(message, { ...options, code: 'rate_limited' });
    this.name = 'RateLimitedError';
  }
}

/** Why an event is bad input; each goes to the dead-letter topic at once, never retried. */
export type BadInputKind = 'unparseable' | 'schema-invalid' | 'oversize';

/**
 * The event itself is bad (unparseable, schema-invalid, oversize). Never retried.
 * @example throw new BadInputError('schema-invalid', 'amount: Expected number, received string')
 */
export class BadInputError extends NonRetriableError {
  readonly kind: BadInputKind;
  constructor(kind: BadInputKind, message: string, options: { cause?: unknown } = {}) {
    super(message, { code: kind, cause: options.cause });
    this.name = 'BadInputError';
    this.kind = kind;
  }
}

/**
 * Invalid configuration; the process stops with a message naming the variable.
 * @example throw new ConfigError('KAFKA_BROKERS', 'is required')
 */
export class ConfigError extends HearthError {
  readonly variable: string;
  constructor(variable: string, problem: string) {
    super(`${variable} ${problem}`, { code: 'config_invalid' });
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

/** A backing service the runtime depends on. Its outage pauses work; it never dead-letters an event. */
export type Dependency = 'sql' | 'kv' | 'kafka';

/**
 * A dependency is unreachable (connection refused, timed out, dropped, 5xx from a REST endpoint). Not
 * the event's fault: the consumer pauses until the dependency answers again, and no attempt is spent.
 * Adapters raise it; handlers should let it through.
 * @example throw new DependencyUnavailableError('kv', 'Redis REST endpoint unreachable', { cause })
 */
export class DependencyUnavailableError extends HearthError {
  readonly dependency: Dependency;
  constructor(dependency: Dependency, message: string, options: { cause?: unknown } = {}) {
    super(`${dependency} unavailable: ${message}`, { code: 'dependency_unavailable', cause: options.cause });
    this.name = 'DependencyUnavailableError';
    this.dependency = dependency;
  }
}

/**
 * The dependency whose outage caused `error` (looked up along the cause chain), if any.
 * @example dependencyOf(new Error('x', { cause: new DependencyUnavailableError('sql', 'down') })) // 'sql'
 */
export function dependencyOf(error: unknown): Dependency | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 6; depth += 1) {
    if (current instanceof DependencyUnavailableError) return current.dependency;
    current = current.cause;
  }
  return undefined;
}

/**
 * A durable step failed for good: its `fn` threw a NonRetriableError. The failure is journaled, so every
 * re-execution throws the same error at the same step; catch it to take another path.
 * @example try { await ctx.step('charge', charge) } catch (e) { if (e instanceof StepFailedError) ... }
 */
export class StepFailedError extends NonRetriableError {
  readonly stepId: string;
  /** Class name of the error the step's function threw. */
  readonly errorClass: string;
  constructor(stepId: string, failure: { errorClass: string; message: string; code?: string }) {
    super(`step "${stepId}" failed: ${failure.errorClass}: ${failure.message}`, {
      code: failure.code ?? 'step_failed',
    });
    this.name = 'StepFailedError';
    this.stepId = stepId;
    this.errorClass = failure.errorClass;
  }
}

/**
 * Turns anything thrown into an Error, keeping Errors as they are.
 * @example const err = ensureError(caught)
 */
export function ensureError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'string') return new Error(value);
  try {
    return new Error(`non-error thrown: ${JSON.stringify(value)}`);
  } catch {
    return new Error(`non-error thrown: ${String(value)}`);
  }
}
