import type { KvStore } from '../../core/ports.ts';
import { takeWindowToken, type RateDecision } from '../../core/rate-window.ts';
import type { RateLimit } from './types.ts';

export type { RateDecision } from '../../core/rate-window.ts';

/**
 * Fixed-window counter per agent per tool in KV (see takeWindowToken).
 * @example await takeRateToken(kv, 'support', 'notify', { limit: 5, windowMs: 60_000 })
 */
export function takeRateToken(
  kv: KvStore,
  agent: string,
  tool: string,
  limit: RateLimit,
  now: number = Date.now(),
): Promise<RateDecision> {
  return takeWindowToken(kv, `agent:rl:${agent}:${tool}`, limit, now);
}
