import { createHash } from 'node:crypto';
import type { SqlTx } from '../../../shared/core/index.ts';

/** The rules of one simulation run, stored in market_runs and read by every agent. */
export interface MarketParams {
  buyers: number;
  sellers: number;
  itemsPerSeller: number;
  /** Items each buyer wants. */
  wanted: number;
  /** Offer/counter rounds before a buyer walks away from a negotiation. */
  maxRounds: number;
  /** Negotiations a buyer starts before it gives up. */
  maxNegotiations: number;
  /** A buyer opens at this fraction of its price cap. */
  openFactor: number;
  seed: number;
}

/** Defaults of `hearth market`: 100 buyers and 500 sellers. */
export const DEFAULT_MARKET_PARAMS: MarketParams = {
  buyers: 100,
  sellers: 500,
  itemsPerSeller: 2,
  wanted: 3,
  maxRounds: 4,
  maxNegotiations: 12,
  openFactor: 0.6,
  seed: 1,
};

// Params never change within a run; every event would otherwise read the same row again.
const cache = new Map<string, MarketParams>();

/**
 * The params of a run (cached per process).
 * @example const params = await marketParams(ctx.sql, event.runId)
 */
export async function marketParams(sql: SqlTx, runId: string): Promise<MarketParams> {
  const cached = cache.get(runId);
  if (cached) return cached;
  const { rows } = await sql.query<{ params: MarketParams }>('SELECT params FROM market_runs WHERE run_id = $1', [
    runId,
  ]);
  const params = rows[0]?.params;
  if (!params) throw new Error(`market run "${runId}" does not exist`);
  cache.set(runId, params);
  return params;
}

/**
 * A deterministic number in [0, 1) from its parts, so a run's choices replay identically.
 * @example unitRandom('run-1', 'buyer-7', 3) // 0.4172...
 */
export function unitRandom(...parts: readonly (string | number)[]): number {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 12);
  return parseInt(hex, 16) / 2 ** 48;
}

/** Agent and item ids: `b<n>`, `s<n>`, `s<n>-i<k>`. */
export const ids = {
  buyer: (n: number): string => `b${n}`,
  seller: (n: number): string => `s${n}`,
  item: (seller: number, k: number): string => `s${seller}-i${k}`,
};
