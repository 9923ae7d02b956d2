import { randomUUID } from 'node:crypto';
import type { OutgoingMessage, SqlTx } from '../../core/index.ts';

/** One chunk's emitted messages, stored as one row. */
export interface OutboxBatch {
  id: string;
  messages: OutgoingMessage[];
}

/**
 * Writes a chunk's messages as one outbox row, claimed for `leaseMs` by the writer (which publishes it
 * from memory after commit). Returns the row's id at once with the statement's promise, so the caller
 * may let the statement travel with COMMIT.
 * @example const { id } = insertOutboxBatch(tx, messages, 30_000)
 */
export function insertOutboxBatch(
  tx: SqlTx,
  messages: readonly OutgoingMessage[],
  leaseMs: number,
): Promise<unknown> & { id: string } {
  const id = randomUUID();
  const written = tx.query(
    'INSERT INTO hearth_outbox_batches (id, messages, claimed_until) VALUES ($1, $2, now() + $3::INTERVAL)',
    [id, JSON.stringify(messages), `${Math.round(leaseMs)} milliseconds`],
  );
  return Object.assign(written, { id });
}

/**
 * Claims up to `limit` batch rows whose claim expired (their writer died before publishing), oldest first.
 * @example const batches = await store.transaction((tx) => claimOutboxBatches(tx, 10, 30_000))
 */
export async function claimOutboxBatches(tx: SqlTx, limit: number, leaseMs: number): Promise<OutboxBatch[]> {
  const { rows } = await tx.query<{ id: string; messages: string; created_at: Date }>(
    `UPDATE hearth_outbox_batches SET claimed_until = now() + $2::INTERVAL
      WHERE id IN (SELECT id FROM hearth_outbox_batches
                    WHERE claimed_until IS NULL OR claimed_until < now() ORDER BY created_at LIMIT $1)
      RETURNING id, messages, created_at`,
    [limit, `${Math.round(leaseMs)} milliseconds`],
  );
  rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
  return rows.map((row) => ({ id: row.id, messages: JSON.parse(row.messages) as OutgoingMessage[] }));
}

/**
 * Deletes published batch rows.
 * @example await deleteOutboxBatches(sql, ['b1'])
 */
export async function deleteOutboxBatches(sql: SqlTx, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await sql.query('DELETE FROM hearth_outbox_batches WHERE id = ANY($1::TEXT[])', [ids]);
}

/**
 * Batch rows not yet published (for readiness and metrics).
 * @example await pendingOutboxBatchMessages(sql)
 */
export async function pendingOutboxBatches(sql: SqlTx): Promise<number> {
  const { rows } = await sql.query<{ n: string | number }>('SELECT count(*) AS n FROM hearth_outbox_batches');
  return Number(rows[0]?.n ?? 0);
}
