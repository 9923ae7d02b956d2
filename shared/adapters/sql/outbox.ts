import { createHash, randomUUID } from 'node:crypto';
import type { OutgoingMessage, SqlTx } from '../../core/index.ts';

/** An outbox row as claimed by the relay. */
export type OutboxRow = {
  id: string;
  topic: string;
  message_key: string | null;
  value: string;
  headers: Record<string, string>;
  /** Failed publish attempts so far. */
  attempts: number;
};

/**
 * Writes messages to the outbox inside the caller's transaction, keyed by topic and `ce_id` header so a
 * re-run of the same event cannot queue a message twice, while the same event forwarded to two topics
 * keeps both. `seq` keeps emit order within the transaction.
 * @example await insertOutbox(tx, messages)
 */
export async function insertOutbox(tx: SqlTx, messages: readonly OutgoingMessage[]): Promise<void> {
  for (let start = 0; start < messages.length; start += ROWS_PER_INSERT) {
    const { tuples, params } = outboxTuples(messages.slice(start, start + ROWS_PER_INSERT), 0, start);
    await tx.query(
      `INSERT INTO hearth_outbox (id, topic, message_key, value, headers, seq) VALUES ${tuples} ON CONFLICT (id) DO NOTHING`,
      params,
    );
  }
}

/** Most outbox rows one statement may carry (6 parameters each; PostgreSQL allows 65,535). */
export const ROWS_PER_INSERT = 500;

/**
 * The `(id, topic, message_key, value, headers, seq)` tuples of `messages` as typed placeholders
 * numbered after `offset` existing parameters, for an INSERT ... VALUES of the outbox.
 * @example const { tuples, params } = outboxTuples(messages, 3)
 */
export function outboxTuples(
  messages: readonly OutgoingMessage[],
  offset: number,
  firstSeq = 0,
): { tuples: string; params: unknown[] } {
  const params: unknown[] = [];
  const tuples = messages.map((message, index) => {
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
      firstSeq + index,
    );
    const p = offset + params.length - 6;
    return `($${p + 1}::TEXT, $${p + 2}::TEXT, $${p + 3}::TEXT, $${p + 4}::TEXT, $${p + 5}::JSONB, $${p + 6}::INT)`;
  });
  return { tuples: tuples.join(', '), params };
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
         WHERE (claimed_until IS NULL OR claimed_until < now()) AND dead_at IS NULL
         ORDER BY created_at, seq LIMIT $1)
      RETURNING id, topic, message_key, value, headers, attempts, created_at, seq`,
    [limit, `${leaseMs / 1000} seconds`],
  );
  // RETURNING does not keep the subquery's order.
  rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime() || Number(a.seq) - Number(b.seq));
  return rows.map(({ id, topic, message_key, value, headers, attempts }) => ({
    id,
    topic,
    message_key,
    value,
    headers,
    attempts: Number(attempts),
  }));
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
 * Records a failed publish of one row: it is tried again after `retryMs`, or parked as dead (kept, never
 * claimed again, reported) once `maxAttempts` attempts failed. Returns true when it was parked.
 * @example await store.transaction((tx) => failOutbox(tx, 'a1', 'topic "x" does not exist', 2_000, 5))
 */
export async function failOutbox(
  tx: SqlTx,
  id: string,
  error: string,
  retryMs: number,
  maxAttempts: number,
): Promise<boolean> {
  const { rows } = await tx.query<{ dead: boolean }>(
    `UPDATE hearth_outbox SET attempts = attempts + 1, last_error = $2,
       claimed_until = now() + $3::INTERVAL,
       dead_at = CASE WHEN attempts + 1 >= $4 THEN now() ELSE NULL END
     WHERE id = $1 RETURNING dead_at IS NOT NULL AS dead`,
    [id, error.slice(0, 2_000), `${Math.max(0, Math.round(retryMs))} milliseconds`, maxAttempts],
  );
  return rows[0]?.dead === true;
}

/**
 * Rows waiting to be published (claimed or not, not dead); for readiness checks and metrics.
 * @example const backlog = await pendingOutboxCount(sql)
 */
export async function pendingOutboxCount(store: SqlTx): Promise<number> {
  const { rows } = await store.query<{ n: string | number }>(
    'SELECT count(*) AS n FROM hearth_outbox WHERE dead_at IS NULL',
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Rows parked as dead after failing to publish too often; for metrics and `hearth outbox`.
 * @example const dead = await deadOutboxCount(sql)
 */
export async function deadOutboxCount(store: SqlTx): Promise<number> {
  const { rows } = await store.query<{ n: string | number }>(
    'SELECT count(*) AS n FROM hearth_outbox WHERE dead_at IS NOT NULL',
  );
  return Number(rows[0]?.n ?? 0);
}
