import type { SqlStore } from '../../core/index.ts';

/**
 * Deletes ledger rows processed before `olderThan`, in batches of `batchSize` (each its own short
 * transaction, so CockroachDB never sees one huge delete); returns how many rows went. An event
 * redelivered after its row is pruned runs again, so keep rows longer than any redelivery window.
 * @example await pruneLedger(sql, new Date(Date.now() - 7 * 86_400_000))
 */
export async function pruneLedger(
  store: SqlStore,
  olderThan: Date,
  options: { batchSize?: number } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 1_000;
  if (!(olderThan instanceof Date) || Number.isNaN(olderThan.getTime())) {
    throw new TypeError('pruneLedger(): olderThan must be a valid Date, e.g. new Date(Date.now() - 7 * 86_400_000)');
  }
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new TypeError(`pruneLedger(): batchSize must be a positive integer, got ${batchSize}`);
  let total = 0;
  for (;;) {
    // DELETE ... LIMIT is CockroachDB-only; a keyed subquery works on both.
    const { rowCount } = await store.transaction((tx) =>
      tx.query(
        `DELETE FROM hearth_ledger WHERE (function_name, event_id) IN (
           SELECT function_name, event_id FROM hearth_ledger WHERE processed_at < $1 LIMIT $2)`,
        [olderThan, batchSize],
      ),
    );
    total += rowCount;
    if (rowCount < batchSize) return total;
  }
}
