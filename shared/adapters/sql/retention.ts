import type { SqlStore } from '../../core/index.ts';
import { pruneLedger } from './ledger.ts';

/** How far back each kind of row is kept. */
export interface RetentionCutoffs {
  /** Ledger rows, finished executions with their journal, and finished cron ticks processed before this. */
  processedBefore: Date;
  /** Outbox rows parked as dead, and dead letters filed, before this. */
  deadBefore: Date;
}

/** Rows deleted per table. */
export type PruneCounts = Record<string, number>;

const BATCH = 1_000;

/**
 * Deletes what Hearth's tables no longer need, in keyed batches of 1,000 (each its own short
 * transaction, so CockroachDB never sees one huge delete): ledger rows, finished durable executions with
 * their steps and waits, finished cron ticks, dead outbox rows, and filed dead letters when the
 * dead-letter agent's table exists. An event redelivered after its ledger row is gone runs again.
 * @example await pruneExpired(sql, { processedBefore: daysAgo(7), deadBefore: daysAgo(30) })
 */
export async function pruneExpired(sql: SqlStore, cutoffs: RetentionCutoffs): Promise<PruneCounts> {
  const { processedBefore: done, deadBefore: dead } = cutoffs;
  const counts: PruneCounts = {};
  counts['hearth_ledger'] = await pruneLedger(sql, done, { batchSize: BATCH });
  const finished = `status IN ('done', 'failed', 'cancelled') AND updated_at < $1`;
  // The journal and waits first, so an execution row is never gone while its steps remain.
  for (const table of ['hearth_steps', 'hearth_waits']) {
    counts[table] = await batches(
      sql,
      `DELETE FROM ${table} WHERE (function_name, execution_key, step_id) IN (
         SELECT c.function_name, c.execution_key, c.step_id FROM ${table} c
           JOIN hearth_executions e ON e.function_name = c.function_name AND e.execution_key = c.execution_key
          WHERE e.status IN ('done', 'failed', 'cancelled') AND e.updated_at < $1 LIMIT $2)`,
      [done],
    );
  }
  counts['hearth_executions'] = await batches(
    sql,
    `DELETE FROM hearth_executions WHERE (function_name, execution_key) IN (
       SELECT function_name, execution_key FROM hearth_executions WHERE ${finished} LIMIT $2)`,
    [done],
  );
  counts['hearth_cron_ticks'] = await batches(
    sql,
    `DELETE FROM hearth_cron_ticks WHERE (function_name, scheduled_at) IN (
       SELECT function_name, scheduled_at FROM hearth_cron_ticks WHERE done_at IS NOT NULL AND done_at < $1 LIMIT $2)`,
    [done],
  );
  counts['hearth_outbox'] = await batches(
    sql,
    `DELETE FROM hearth_outbox WHERE id IN (
       SELECT id FROM hearth_outbox WHERE dead_at IS NOT NULL AND dead_at < $1 LIMIT $2)`,
    [dead],
  );
  if (await tableExists(sql, 'hearth_dead_letters')) {
    counts['hearth_dead_letters'] = await batches(
      sql,
      `DELETE FROM hearth_dead_letters WHERE id IN (
         SELECT id FROM hearth_dead_letters WHERE received_at < $1 AND status <> 'scheduled' LIMIT $2)`,
      [dead],
    );
  }
  return counts;
}

async function batches(sql: SqlStore, text: string, params: unknown[]): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await sql.transaction((tx) => tx.query(text, [...params, BATCH]));
    total += rowCount;
    if (rowCount < BATCH) return total;
  }
}

async function tableExists(sql: SqlStore, name: string): Promise<boolean> {
  const { rowCount } = await sql.query(
    'SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1',
    [name],
  );
  return rowCount > 0;
}
