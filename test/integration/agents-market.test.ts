import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketReport } from '../../functions/_ops/market/api.ts';
import { databaseUrlForSchema, startHostProcess } from '../support/host-process.ts';
import { cleanupKafka, testKafkaTransport, uniqueName } from '../support/kafka.ts';
import { createTestSchema, type TestSchema } from '../support/pg.ts';

const transport = testKafkaTransport();

/**
 * The agent-society simulation end to end: `hearth market` (a real process serving market-buyer and
 * market-seller on real Kafka and PostgreSQL) with 100 buyers and 500 sellers, then every buyer's and
 * seller's final state is checked against the deals straight from SQL.
 */
describe('agents: market simulation', () => {
  let schema: TestSchema;
  let pool: pg.Pool;
  const buyerTopic = uniqueName('market-b');
  const sellerTopic = uniqueName('market-s');

  beforeAll(async () => {
    schema = await createTestSchema('market');
    pool = new pg.Pool({ ...schema.poolConfig });
  });
  afterAll(async () => {
    await pool.end();
    await schema.drop();
    await cleanupKafka(
      transport,
      [buyerTopic, sellerTopic, 'market-buyer.dlq', 'market-seller.dlq'],
      ['hearth.market-buyer', 'hearth.market-seller'],
    );
  });

  it('600 agents negotiate to convergence and their states agree with the accepted deals', async () => {
    const run = startHostProcess(['market', '--buyers', '100', '--sellers', '500', '--timeout', '150'], {
      DATABASE_URL: databaseUrlForSchema(schema.name),
      HEARTH_MARKET_BUYER_TOPIC: buyerTopic,
      HEARTH_MARKET_SELLER_TOPIC: sellerTopic,
    });
    const exit = await run.exited;
    const line = run
      .output()
      .split('\n')
      .find((l) => l.startsWith('{"runId"'));
    expect(line, run.output()).toBeDefined();
    const report = JSON.parse(line as string) as MarketReport;
    expect(exit.code, run.output()).toBe(0);
    expect(report).toMatchObject({ converged: true, stuckAgents: 0, violations: [] });
    expect(report.buyers.total).toBe(100);
    expect(report.sellers.total).toBe(500);
    expect(report.deals).toBeGreaterThan(0);

    // Independent checks, from the tables rather than the report.
    const q = async <R extends Record<string, unknown>>(text: string): Promise<R[]> =>
      (await pool.query<R>(text, [report.runId])).rows;
    const purchases = await q<{ item_id: string; buyer_id: string; seller_id: string; price: string }>(
      'SELECT item_id, buyer_id, seller_id, price FROM market_purchases WHERE run_id = $1',
    );
    const items = await q<{
      item_id: string;
      seller_id: string;
      sold_to: string | null;
      sold_price: string | null;
      reserve: string;
    }>('SELECT item_id, seller_id, sold_to, sold_price, reserve FROM market_items WHERE run_id = $1');
    const buyers = await q<{
      buyer_id: string;
      budget: string;
      spent: string;
      bought: number;
      wanted: number;
      state: string;
    }>('SELECT buyer_id, budget, spent, bought, wanted, state FROM market_buyers WHERE run_id = $1');
    expect(purchases).toHaveLength(report.deals);

    // No double-sold item: one purchase per item, matching the seller's record of the sale.
    const byItem = new Map(items.map((i) => [i.item_id, i]));
    expect(new Set(purchases.map((p) => p.item_id)).size).toBe(purchases.length);
    for (const p of purchases) {
      const item = byItem.get(p.item_id);
      expect(item?.sold_to).toBe(p.buyer_id);
      expect(Number(item?.sold_price)).toBe(Number(p.price));
      expect(item?.seller_id).toBe(p.seller_id);
      expect(Number(p.price)).toBeGreaterThanOrEqual(Number(item?.reserve));
    }
    expect(items.filter((i) => i.sold_to !== null)).toHaveLength(purchases.length);

    // No budget overdrawn: spent equals the buyer's purchases and stays within its budget.
    for (const b of buyers) {
      const mine = purchases.filter((p) => p.buyer_id === b.buyer_id);
      expect(Number(b.spent)).toBe(mine.reduce((n, p) => n + Number(p.price), 0));
      expect(Number(b.spent)).toBeLessThanOrEqual(Number(b.budget));
      expect(b.bought).toBe(mine.length);
      expect(b.bought).toBeLessThanOrEqual(b.wanted);
      expect(['done', 'gave-up']).toContain(b.state);
    }
  });
});
