import { createHash, randomUUID } from 'node:crypto';
import type { OutgoingMessage, SqlTx } from '../../core/index.ts';

/** An outbox row as claimed by the relay. */
export type OutboxRow = {
  id: string;
  topic: string;
  message_key: string | null;
  value: string;
  headers: Record<string, string>;
};

// 7 parameters per row; PostgreSQL allows 65535 per statement, stay far below.
const ROWS_PER_INSERT = 500;

/**
 * Writes messages to the outbox inside the caller's transaction, keyed by topic and `ce_id` header so a
 * re-run of the same event cannot queue a message twice, while the same event forwarded to two topics
 * keeps both. `seq` keeps emit order within the transaction.
 * @example await insertOutbox(tx, messages)
 */
export async function insertOutbox(tx: SqlTx, messages: readonly OutgoingMessage[]): Promise<void> {
  for (let start = 0; start < messages.length; start += ROWS_PER_INSERT) {
    const chunk = messages.slice(start, start + ROWS_PER_INSERT);
    const params: unknown[] = [];
    const tuples = chunk.map((message, index) => {
      const ceId = message.headers['ce_id'];
      const id = ceId
        ? createHash('sha256').update(`${message.topic}\u0000${ceId}`).digest('hex').slice(0, 32)
        : randomUUID();
      params.push(
        id,
        message.topic,
        message.key ?? null,
        message.value,
        JSON.stringify(message.headers),
        start + index,
      );
      const p = params.length - 6;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}::JSONB, $${p + 6}::INT)`;
    });
    await tx.query(
      `INSERT INTO hearth_outbox (id, topic, message_key, value, headers, seq) VALUES ${tuples.join(', ')} ON CONFLICT (id) DO NOTHING`,
      params,
    );
  }
}

/**
 * Claims up to `limit` unclaimed (or expired-claim) rows, oldest first, for `leaseMs`. No SKIP LOCKED
 * (CockroachDB and PostgreSQL differ): under SERIALIZABLE two relays claiming the same rows conflict,
 * one gets 40001 and its re-run picks other rows.
 * @example const rows = await store.transaction((tx) => claimOutbox(tx, 100, 30_000))
 */
export async function claimOutbox(tx: SqlTx, limit: number, leaseMs: number): Promise<OutboxRow[]> {
  const { rows } = await tx.query<OutboxRow & { created_at: Date; seq: number }>(
    `UPDATE hearth_outbox SET claimed_until = now() + $2::INTERVAL
      WHERE id IN (
        SELECT id FROM hearth_outbox
         WHERE claimed_until IS NULL OR claimed_until < now()
         ORDER BY created_at, seq LIMIT $1)
      RETURNING id, topic, message_key, value, headers, created_at, seq`,
    [limit, `${leaseMs / 1000} seconds`],
  );
  // RETURNING does not keep the subquery's order.
  rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || Number(a.seq) - Number(b.seq));
  return rows.map(({ id, topic, message_key, value, headers }) => ({ id, topic, message_key, value, headers }));
}

/**
 * Deletes published rows.
 * @example await store.transaction((tx) => deleteOutbox(tx, ['a1', 'b2']))
 */
export async function deleteOutbox(tx: SqlTx, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await tx.query('DELETE FROM hearth_outbox WHERE id = ANY($1::TEXT[])', [ids]);
}

/**
 * Returns claimed rows to the queue after a failed publish so the next flush retries them.
 * @example await store.transaction((tx) => releaseOutbox(tx, ['a1']))
 */
export async function releaseOutbox(tx: SqlTx, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await tx.query('UPDATE hearth_outbox SET claimed_until = NULL WHERE id = ANY($1::TEXT[])', [ids]);
}

/**
 * Rows waiting to be published (claimed or not); for readiness checks and metrics.
 * @example const backlog = await pendingOutboxCount(sql)
 */
export async function pendingOutboxCount(store: SqlTx): Promise<number> {
  const { rows } = await store.query<{ n: string | number }>('SELECT count(*) AS n FROM hearth_outbox');
  return Number(rows[0]?.n ?? 0);
}
