import type { Pool } from 'pg';

/**
 * Emitted messages still waiting for the relay: per-event outbox rows plus batch rows of the fast path.
 * @example expect(await unpublished(pool)).toBe(0)
 */
export async function unpublished(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    'SELECT (SELECT count(*) FROM hearth_outbox) + (SELECT count(*) FROM hearth_outbox_batches) AS n',
  );
  return Number(rows[0]?.n);
}
