/** How many attempts and how far apart; the delay grows exponentially with full jitter. */
export interface RetryPolicy {
  /** Total attempts including the first (1 = no retry). */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 5, initialDelayMs: 200, maxDelayMs: 30_000 };

/**
 * Delay before attempt `attempt + 1` after `attempt` failures: "full jitter" exponential backoff,
 * uniform in [base/2, base] so retries of many events spread out but never collapse to zero.
 * @example backoffDelay(defaultRetryPolicy, 3) // between 400 and 800 ms
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exp = policy.initialDelayMs * 2 ** Math.max(0, attempt - 1);
  const base = Math.min(policy.maxDelayMs, exp);
  return Math.round(base / 2 + (random() * base) / 2);
}

/**
 * Sleeps `ms`, waking early when `signal` aborts.
 * @example await sleep(250, controller.signal)
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
