import type { SqlTx } from '../../../shared/core/index.ts';

/** How a run went: deals, convergence, stuck agents, throughput, and every consistency violation found. */
export interface MarketReport {
  runId: string;
  buyers: { total: number; done: number; gaveUp: number; negotiating: number; idle: number };
  sellers: { total: number; sold: number };
  deals: number;
  /** Every buyer finished (done or gave up): no negotiation is in flight. */
  converged: boolean;
  /** Agents with an open negotiation and no event for `stuckAfterMs`. */
  stuckAgents: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  averagePriceCents: number;
  /** Empty when every buyer's and seller's state agrees with the deals. */
  violations: string[];
}

const q = async <R extends Record<string, unknown>>(sql: SqlTx, text: string, runId: string): Promise<R[]> =>
  (await sql.query<R>(text, [runId])).rows;

/**
 * Reads a run's state and checks it: no item sold twice or to a buyer who did not record it, every
 * buyer's spent equals its purchases and stays within budget, no buyer bought more than it wanted,
 * every seller's counters equal its sold items.
 * @example const report = await marketReport(sql, 'run-1', 15_000)
 */
export async function marketReport(sql: SqlTx, runId: string, stuckAfterMs: number): Promise<MarketReport> {
  const states = await q<{ state: string; n: string }>(
    sql,
    'SELECT state, count(*) AS n FROM market_buyers WHERE run_id = $1 GROUP BY state',
    runId,
  );
  const count = (s: string): number => Number(states.find((r) => r.state === s)?.n ?? 0);
  const totals = await q<{
    buyers: string;
    sellers: string;
    events: string;
    first: Date | null;
    last: Date | null;
    started: Date;
  }>(
    sql,
    `SELECT (SELECT count(*) FROM market_buyers WHERE run_id = $1) AS buyers,
            (SELECT count(*) FROM market_sellers WHERE run_id = $1) AS sellers,
            (SELECT COALESCE(SUM(events), 0) FROM market_buyers WHERE run_id = $1)
              + (SELECT COALESCE(SUM(events), 0) FROM market_sellers WHERE run_id = $1) AS events,
            (SELECT max(last_event_at) FROM (SELECT last_event_at FROM market_buyers WHERE run_id = $1
              UNION ALL SELECT last_event_at FROM market_sellers WHERE run_id = $1) AS t) AS last,
            (SELECT started_at FROM market_runs WHERE run_id = $1) AS started`,
    runId,
  );
  const t = totals[0];
  const stuck = await sql.query<{ n: string }>(
    `SELECT count(*) AS n FROM market_buyers WHERE run_id = $1 AND state = 'negotiating'
       AND (last_event_at IS NULL OR last_event_at < now() - $2::INTERVAL)`,
    [runId, `${stuckAfterMs / 1000} seconds`],
  );
  const deals = await q<{ n: string; avg: string | null }>(
    sql,
    'SELECT count(*) AS n, avg(price) AS avg FROM market_purchases WHERE run_id = $1',
    runId,
  );
  const sold = await q<{ n: string }>(
    sql,
    'SELECT count(*) AS n FROM market_items WHERE run_id = $1 AND sold_to IS NOT NULL',
    runId,
  );
  const violations = await checkConsistency(sql, runId);
  const seconds = t?.last && t.started ? Math.max(0.001, (t.last.getTime() - t.started.getTime()) / 1000) : 0;
  const events = Number(t?.events ?? 0);
  const buyers = {
    total: Number(t?.buyers ?? 0),
    done: count('done'),
    gaveUp: count('gave-up'),
    negotiating: count('negotiating'),
    idle: count('idle'),
  };
  return {
    runId,
    buyers,
    sellers: { total: Number(t?.sellers ?? 0), sold: Number(sold[0]?.n ?? 0) },
    deals: Number(deals[0]?.n ?? 0),
    converged: buyers.total > 0 && buyers.done + buyers.gaveUp === buyers.total,
    stuckAgents: Number(stuck.rows[0]?.n ?? 0),
    events,
    seconds,
    eventsPerSecond: seconds > 0 ? events / seconds : 0,
    averagePriceCents: Math.round(Number(deals[0]?.avg ?? 0)),
    violations,
  };
}

async function checkConsistency(sql: SqlTx, runId: string): Promise<string[]> {
  const violations: string[] = [];
  const add = (rows: Record<string, unknown>[], what: string): void => {
    for (const row of rows.slice(0, 20)) violations.push(`${what}: ${JSON.stringify(row)}`);
  };
  add(
    await q(
      sql,
      'SELECT item_id, count(*) AS buyers FROM market_purchases WHERE run_id = $1 GROUP BY item_id HAVING count(*) > 1',
      runId,
    ),
    'item bought by more than one buyer (double-sold)',
  );
  add(
    await q(
      sql,
      `SELECT p.item_id, p.buyer_id, p.price, i.sold_to, i.sold_price FROM market_purchases p
       LEFT JOIN market_items i ON i.run_id = p.run_id AND i.item_id = p.item_id
       WHERE p.run_id = $1 AND (i.sold_to IS NULL OR i.sold_to <> p.buyer_id OR i.sold_price <> p.price)`,
      runId,
    ),
    "purchase the seller's item does not show",
  );
  add(
    await q(
      sql,
      `SELECT i.item_id, i.sold_to, i.sold_price FROM market_items i
       LEFT JOIN market_purchases p ON p.run_id = i.run_id AND p.item_id = i.item_id AND p.buyer_id = i.sold_to
       WHERE i.run_id = $1 AND i.sold_to IS NOT NULL AND p.item_id IS NULL`,
      runId,
    ),
    'sale the buyer never recorded',
  );
  add(
    await q(
      sql,
      `SELECT b.buyer_id, b.budget, b.spent, b.bought, b.wanted, COALESCE(p.total, 0) AS purchases, COALESCE(p.n, 0) AS items
       FROM market_buyers b
       LEFT JOIN (SELECT buyer_id, SUM(price) AS total, count(*) AS n FROM market_purchases WHERE run_id = $1 GROUP BY buyer_id) p
         ON p.buyer_id = b.buyer_id
       WHERE b.run_id = $1 AND (b.spent > b.budget OR b.spent <> COALESCE(p.total, 0) OR b.bought <> COALESCE(p.n, 0) OR b.bought > b.wanted)`,
      runId,
    ),
    'buyer state disagrees with its purchases (or overdrew its budget)',
  );
  add(
    await q(
      sql,
      `SELECT s.seller_id, s.sold, s.revenue, COALESCE(i.n, 0) AS items, COALESCE(i.total, 0) AS total FROM market_sellers s
       LEFT JOIN (SELECT seller_id, count(*) AS n, SUM(sold_price) AS total FROM market_items
                  WHERE run_id = $1 AND sold_to IS NOT NULL GROUP BY seller_id) i ON i.seller_id = s.seller_id
       WHERE s.run_id = $1 AND (s.sold <> COALESCE(i.n, 0) OR s.revenue <> COALESCE(i.total, 0))`,
      runId,
    ),
    'seller counters disagree with its sold items',
  );
  return violations;
}
