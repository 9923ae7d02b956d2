import type { KvStore } from '../../core/ports.ts';
import type { RateLimit } from './types.ts';

/** The outcome of one rate-limit check. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Fixed-window counter per agent per tool in KV: INCRBY with a TTL of one window. Losing KV only
 * resets the windows (limits are a fast-path guard, not an invariant).
 * @example await takeRateToken(kv, 'support', 'notify', { limit: 5, windowMs: 60_000 })
 */
export async function takeRateToken(
  kv: KvStore,
  agent: string,
  tool: string,
  limit: RateLimit,
  now: number = Date.now(),
): Promise<RateDecision> {
  const windowStart = Math.floor(now / limit.windowMs) * limit.windowMs;
  const key = `agent:rl:${agent}:${tool}:${windowStart}`;
  const count = await kv.incrBy(key, 1, { ttlMs: limit.windowMs });
  if (count <= limit.limit) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowStart + limit.windowMs - now) / 1000)) };
}
