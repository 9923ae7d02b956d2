import type { EffectStore, Logger, OutgoingMessage, RunOnceResult, SqlStore, SqlTx } from '../../core/index.ts';
import { insertOutbox } from './outbox.ts';
import { insertOutboxBatch, type OutboxBatch } from './outbox-batches.ts';
import { TransactionDoomedError, withSavepoint } from './savepoint.ts';

export interface PgEffectStoreOptions {
  /** Called after a commit that queued messages; the outbox relay uses it to publish at once. */
  onCommitted?: (messages: readonly OutgoingMessage[]) => void;
  /**
   * Called after a fast-path commit with its outbox batch: publish it from memory, then delete it. A
   * promise it returns is waited for (back-pressure while the broker is behind).
   */
  onCommittedBatch?: (batch: OutboxBatch) => Promise<void> | void;
  /** How long the committer keeps the relay's sweep off a batch it publishes itself. Default 30 s. */
  batchLeaseMs?: number;
  log?: Logger;
}

/**
 * Exactly-once effects on SQL: the ledger row, the handler's writes and its outbox rows commit in one
 * transaction. The ledger INSERT comes first so a duplicate stops before the handler runs, and a
 * concurrent run of the same event conflicts on the ledger key (40001) and re-runs as a duplicate.
 * @example const effects = new PgEffectStore(sql, { onCommitted: () => relay.notify() })
 */
export class PgEffectStore implements EffectStore {
  readonly #store: SqlStore;
  readonly #onCommitted: PgEffectStoreOptions['onCommitted'];
  readonly #onCommittedBatch: PgEffectStoreOptions['onCommittedBatch'];
  readonly #batchLeaseMs: number;
  readonly #log: Logger | undefined;

  constructor(store: SqlStore, options: PgEffectStoreOptions = {}) {
    this.#store = store;
    this.#onCommitted = options.onCommitted;
    this.#onCommittedBatch = options.onCommittedBatch;
    this.#batchLeaseMs = options.batchLeaseMs ?? 30_000;
    this.#log = options.log;
  }

  /**
   * The fast path: one transaction claims every event id in one statement, runs `work` for the claimed
   * ones and writes all their messages as one outbox batch. No savepoints: any failure throws and the
   * whole chunk rolls back (the caller then takes the careful path). After commit the batch goes to
   * `onCommittedBatch` to be published from memory.
   * @example await effects.runMany('orders', ids, async (claimed, tx) => handleAll(claimed, tx))
   */
  async runMany(
    functionName: string,
    eventIds: readonly string[],
    work: (claimed: ReadonlySet<string>, tx: SqlTx) => Promise<OutgoingMessage[]>,
  ): Promise<void> {
    let batch: OutboxBatch | undefined;
    await this.#store.transaction(async (tx) => {
      batch = undefined;
      const { rows } = await tx.query<{ event_id: string }>(
        `INSERT INTO hearth_ledger (function_name, event_id) SELECT $1, unnest($2::TEXT[])
         ON CONFLICT (function_name, event_id) DO NOTHING RETURNING event_id`,
        [functionName, eventIds],
      );
      // Run even when nothing was claimed: the caller learns every event is a duplicate.
      const messages = await work(new Set(rows.map((row) => row.event_id)), tx);
      if (messages.length === 0) return;
      // Not awaited: in pipeline mode the insert travels with COMMIT; a failure makes COMMIT roll back.
      const written = insertOutboxBatch(tx, messages, this.#batchLeaseMs);
      written.catch(() => undefined);
      batch = { id: written.id, messages };
    });
    if (batch && this.#onCommittedBatch) {
      try {
        await this.#onCommittedBatch(batch);
      } catch (error) {
        this.#log?.warn('outbox onCommittedBatch callback failed', { error });
      }
    }
  }

  /**
   * Group commit: `body` may call `scope.runOnce` for many events, and they all commit in one
   * transaction, each under its own savepoint (ledger row, writes and outbox rows). A failing event is
   * rolled back to its savepoint and reported to the caller by the error runOnce throws; the others
   * still commit. A failure that cannot be contained (40001, lost connection) re-runs the whole body.
   * @example await effects.runBatch((scope) => processAll(events, scope))
   */
  async runBatch<T>(body: (scope: EffectStore) => Promise<T>): Promise<T> {
    const committed: OutgoingMessage[] = [];
    const value = await this.#store.transaction(async (tx) => {
      committed.length = 0;
      let doomed: TransactionDoomedError | undefined;
      const scope: EffectStore = {
        runOnce: async <V>(
          functionName: string,
          eventId: string,
          work: (tx: SqlTx) => Promise<{ value: V; messages: OutgoingMessage[] }>,
        ): Promise<RunOnceResult<V>> => {
          if (doomed) throw doomed;
          try {
            const result = await withSavepoint(tx, 'hearth_event', async (scoped) => {
              const claimed = await scoped.query(
                'INSERT INTO hearth_ledger (function_name, event_id) VALUES ($1, $2) ON CONFLICT (function_name, event_id) DO NOTHING RETURNING 1 AS claimed',
                [functionName, eventId],
              );
              if (claimed.rowCount === 0) return { duplicate: true as const };
              const { value: v, messages } = await work(scoped);
              await insertOutbox(scoped, messages);
              return { duplicate: false as const, value: v, messages };
            });
            if (!result.ok) throw result.error;
            if (result.value.duplicate) return { duplicate: true };
            committed.push(...result.value.messages);
            return { duplicate: false, value: result.value.value };
          } catch (error) {
            if (error instanceof TransactionDoomedError) doomed = error;
            throw error;
          }
        },
      };
      const out = await body(scope);
      // Re-run everything (store.transaction retries 40001) rather than commit a doomed transaction.
      if (doomed) throw doomed.cause;
      return out;
    });
    if (committed.length > 0 && this.#onCommitted) {
      try {
        this.#onCommitted(committed);
      } catch (error) {
        this.#log?.warn('outbox onCommitted callback failed', { error });
      }
    }
    return value;
  }

  async runOnce<T>(
    functionName: string,
    eventId: string,
    work: (tx: SqlTx) => Promise<{ value: T; messages: OutgoingMessage[] }>,
  ): Promise<RunOnceResult<T>> {
    const result = await this.#store.transaction<
      { duplicate: true } | { duplicate: false; value: T; messages: OutgoingMessage[] }
    >(async (tx) => {
      const claimed = await tx.query(
        'INSERT INTO hearth_ledger (function_name, event_id) VALUES ($1, $2) ON CONFLICT (function_name, event_id) DO NOTHING RETURNING 1 AS claimed',
        [functionName, eventId],
      );
      // Nothing was written, so committing this transaction is the same as rolling it back.
      if (claimed.rowCount === 0) return { duplicate: true };
      const { value, messages } = await work(tx);
      await insertOutbox(tx, messages);
      return { duplicate: false, value, messages };
    });
    if (result.duplicate) return { duplicate: true };
    if (result.messages.length > 0 && this.#onCommitted) {
      try {
        this.#onCommitted(result.messages);
      } catch (error) {
        // The messages are safe in the outbox; the relay's sweep publishes them anyway.
        this.#log?.warn('outbox onCommitted callback failed', { error });
      }
    }
    return { duplicate: false, value: result.value };
  }
}
