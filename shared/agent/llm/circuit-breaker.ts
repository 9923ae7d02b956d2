/**
 * A per-model circuit breaker. Closed: calls flow and consecutive failures are counted. After
 * `failureThreshold` of them it opens: calls are refused for `coolDownMs`. Then it is half-open: exactly one
 * probe call is let through; success closes it, failure opens it for another cool-down.
 */

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long an open circuit refuses calls before allowing a probe. Default 30 s. */
  coolDownMs?: number;
  /** Injectable clock (ms), for tests. */
  now?: () => number;
}

export const DEFAULT_FAILURE_THRESHOLD = 5;
export const DEFAULT_COOL_DOWN_MS = 30_000;

/**
 * Guards one model. Ask {@link CircuitBreaker.tryAcquire} before a call, then report it with
 * `recordSuccess`, `recordFailure` or `release` (no verdict, e.g. the caller aborted).
 * @example const breaker = new CircuitBreaker({ failureThreshold: 3, coolDownMs: 10_000 })
 */
export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly coolDownMs: number;
  readonly #now: () => number;
  #failures = 0;
  #openedAt: number | undefined;
  #probeInFlight = false;

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
    this.coolDownMs = options.coolDownMs ?? DEFAULT_COOL_DOWN_MS;
    if (!Number.isInteger(this.failureThreshold) || this.failureThreshold < 1) {
      throw new RangeError(`failureThreshold must be an integer >= 1, got ${this.failureThreshold}`);
    }
    if (!(this.coolDownMs >= 0)) throw new RangeError(`coolDownMs must be >= 0, got ${this.coolDownMs}`);
    this.#now = options.now ?? Date.now;
  }

  /** The state right now (an open circuit whose cool-down elapsed reads as half-open). */
  get state(): CircuitState {
    if (this.#openedAt === undefined) return 'closed';
    return this.#now() - this.#openedAt >= this.coolDownMs ? 'half-open' : 'open';
  }

  /** Milliseconds until an open circuit allows a probe; 0 when closed or half-open. */
  get remainingCoolDownMs(): number {
    if (this.#openedAt === undefined) return 0;
    return Math.max(0, this.#openedAt + this.coolDownMs - this.#now());
  }

  /** Whether a call may go ahead now; in half-open state only the first caller gets the probe. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.#probeInFlight) return false;
    this.#probeInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.#failures = 0;
    this.#openedAt = undefined;
    this.#probeInFlight = false;
  }

  recordFailure(): void {
    const wasProbe = this.#probeInFlight;
    this.#probeInFlight = false;
    this.#failures += 1;
    // A failed probe re-opens for a fresh cool-down; late failures of calls that started before the circuit
    // opened must not extend the cool-down.
    if (wasProbe || (this.#openedAt === undefined && this.#failures >= this.failureThreshold)) {
      this.#openedAt = this.#now();
    }
  }

  /** Ends an acquired call without a verdict, so a half-open circuit offers its probe again. */
  release(): void {
    this.#probeInFlight = false;
  }
}
