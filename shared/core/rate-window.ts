import type { KvStore } from './ports.ts';

/** At most `limit` takes per `windowMs`. */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

/** The outcome of one rate-limit check. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Fixed-window counter in KV: INCRBY on `${key}:${windowStart}` with a TTL of one window. Losing KV only
 * resets the windows (a rate limit is a fast-path guard, not an invariant).
 * @example await takeWindowToken(kv, 'tasks:submit:alice', { limit: 60, windowMs: 60_000 })
 */
export async function takeWindowToken(
  kv: KvStore,
  key: string,
  window: RateWindow,
  now: number = Date.now(),
): Promise<RateDecision> {
  const windowStart = Math.floor(now / window.windowMs) * window.windowMs;
  const count = await kv.incrBy(`${key}:${windowStart}`, 1, { ttlMs: window.windowMs });
  if (count <= window.limit) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowStart + window.windowMs - now) / 1000)) };
}
