import type { SqlStore } from '../../../shared/core/index.ts';
import { ids, unitRandom, type MarketParams } from './params.ts';

/**
 * Creates a run: its params, the buyers (budget, wanted items, price cap) and the sellers with their
 * items (reserve and ask), all drawn deterministically from the run id and seed, in one transaction.
 * @example await seedMarket(sql, 'run-1', DEFAULT_MARKET_PARAMS)
 */
export async function seedMarket(sql: SqlStore, runId: string, params: MarketParams): Promise<void> {
  const r = (...parts: (string | number)[]): number => unitRandom(params.seed, ...parts);
  const buyers = Array.from({ length: params.buyers }, (_, n) => {
    // Price caps of 80-200 (x100 cents); budgets cover the wanted items at 70-110 % of the cap, so
    // some buyers are limited by budget rather than by price.
    const maxPrice = Math.round((80 + 120 * r('cap', n)) * 100);
    const budget = Math.round(params.wanted * maxPrice * (0.7 + 0.4 * r('budget', n)));
    return { id: ids.buyer(n), maxPrice, budget };
  });
  const items: { id: string; seller: string; reserve: number; ask: number }[] = [];
  for (let s = 0; s < params.sellers; s += 1) {
    for (let k = 0; k < params.itemsPerSeller; k += 1) {
      const reserve = Math.round((50 + 100 * r('reserve', s, k)) * 100);
      items.push({
        id: ids.item(s, k),
        seller: ids.seller(s),
        reserve,
        ask: Math.round(reserve * (1.2 + 0.3 * r('ask', s, k))),
      });
    }
  }
  await sql.transaction(async (tx) => {
    await tx.query('INSERT INTO market_runs (run_id, params) VALUES ($1, $2)', [runId, JSON.stringify(params)]);
    await tx.query(
      `INSERT INTO market_buyers (run_id, buyer_id, budget, wanted, max_price)
       SELECT $1, b, budget, $4, cap FROM unnest($2::TEXT[], $3::BIGINT[], $5::BIGINT[]) AS t(b, budget, cap)`,
      [runId, buyers.map((b) => b.id), buyers.map((b) => b.budget), params.wanted, buyers.map((b) => b.maxPrice)],
    );
    await tx.query(`INSERT INTO market_sellers (run_id, seller_id) SELECT $1, s FROM unnest($2::TEXT[]) AS t(s)`, [
      runId,
      Array.from({ length: params.sellers }, (_, s) => ids.seller(s)),
    ]);
    await tx.query(
      `INSERT INTO market_items (run_id, item_id, seller_id, reserve, ask)
       SELECT $1, i, s, reserve, ask FROM unnest($2::TEXT[], $3::TEXT[], $4::BIGINT[], $5::BIGINT[]) AS t(i, s, reserve, ask)`,
      [runId, items.map((i) => i.id), items.map((i) => i.seller), items.map((i) => i.reserve), items.map((i) => i.ask)],
    );
  });
}
