import type { SqlStore } from '../../core/ports.ts';

/**
 * The `hearth_cron_ticks` table: one row per (function, scheduled time). Every statement is plain SQL
 * that runs unchanged on CockroachDB and PostgreSQL, and every timestamp comparison uses the database
 * clock (`now()`), so replicas with skewed clocks still agree on who holds a lease.
 */
export class TickStore {
  readonly #sql: SqlStore;

  constructor(sql: SqlStore) {
    this.#sql = sql;
  }

  /**
   * Claims a tick for `replicaId`: inserts its row, or takes over a row whose lease expired without
   * `done_at`. True only for the one caller that won; everyone else sees no returned row.
   * @example if (await ticks.claim('report', at, 'host-a', 30_000)) await run()
   */
  async claim(functionName: string, scheduledAt: Date, replicaId: string, leaseMs: number): Promise<boolean> {
    // One statement; the transaction wrapper only adds CockroachDB's 40001 retry.
    const result = await this.#sql.transaction((tx) =>
      tx.query(
        `INSERT INTO hearth_cron_ticks (function_name, scheduled_at, claimed_by, lease_until)
         VALUES ($1, $2, $3, now() + $4::INTERVAL)
         ON CONFLICT (function_name, scheduled_at) DO UPDATE
           SET claimed_by = excluded.claimed_by, lease_until = excluded.lease_until
           WHERE hearth_cron_ticks.done_at IS NULL AND hearth_cron_ticks.lease_until < now()
         RETURNING claimed_by`,
        [functionName, scheduledAt, replicaId, interval(leaseMs)],
      ),
    );
    return result.rows.length === 1 && result.rows[0]?.['claimed_by'] === replicaId;
  }

  /** Extends the lease of a tick this replica still holds; false when it lost it. */
  async renew(functionName: string, scheduledAt: Date, replicaId: string, leaseMs: number): Promise<boolean> {
    const result = await this.#sql.query(
      `UPDATE hearth_cron_ticks SET lease_until = now() + $4::INTERVAL
       WHERE function_name = $1 AND scheduled_at = $2 AND claimed_by = $3 AND done_at IS NULL`,
      [functionName, scheduledAt, replicaId, interval(leaseMs)],
    );
    return result.rowCount === 1;
  }

  /** Marks a tick finished (done or dead-lettered); nobody runs it again. */
  async markDone(functionName: string, scheduledAt: Date): Promise<void> {
    await this.#sql.query(
      'UPDATE hearth_cron_ticks SET done_at = now() WHERE function_name = $1 AND scheduled_at = $2 AND done_at IS NULL',
      [functionName, scheduledAt],
    );
  }

  /** Gives a claimed tick back at once (host stopping) so another replica need not wait for the lease. */
  async release(functionName: string, scheduledAt: Date, replicaId: string): Promise<void> {
    await this.#sql.query(
      `UPDATE hearth_cron_ticks SET lease_until = now()
       WHERE function_name = $1 AND scheduled_at = $2 AND claimed_by = $3 AND done_at IS NULL`,
      [functionName, scheduledAt, replicaId],
    );
  }

  /** The newest tick ever recorded for the function (claimed or done), or null. */
  async latest(functionName: string): Promise<Date | null> {
    const result = await this.#sql.query<{ latest: Date | null }>(
      'SELECT max(scheduled_at) AS latest FROM hearth_cron_ticks WHERE function_name = $1',
      [functionName],
    );
    return result.rows[0]?.latest ?? null;
  }

  /** Ticks since `since` that were claimed but neither finished nor still leased: their runner died. */
  async orphans(functionName: string, since: Date, limit: number): Promise<Date[]> {
    const result = await this.#sql.query<{ scheduled_at: Date }>(
      `SELECT scheduled_at FROM hearth_cron_ticks
       WHERE function_name = $1 AND scheduled_at >= $2 AND done_at IS NULL AND lease_until < now()
       ORDER BY scheduled_at LIMIT $3`,
      [functionName, since, limit],
    );
    return result.rows.map((row) => row.scheduled_at);
  }

  /** Deletes finished rows older than `before`, keeping the newest row so catch-up knows where it was. */
  async prune(functionName: string, before: Date, batch = 1_000): Promise<number> {
    const result = await this.#sql.query(
      `DELETE FROM hearth_cron_ticks WHERE function_name = $1 AND scheduled_at IN (
         SELECT scheduled_at FROM hearth_cron_ticks
         WHERE function_name = $1 AND scheduled_at < $2 AND done_at IS NOT NULL
           AND scheduled_at < (SELECT max(scheduled_at) FROM hearth_cron_ticks WHERE function_name = $1)
         ORDER BY scheduled_at LIMIT $3)`,
      [functionName, before, batch],
    );
    return result.rowCount;
  }
}

function interval(ms: number): string {
  return `${Math.max(0, Math.round(ms))} milliseconds`;
}
