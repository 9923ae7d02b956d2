import type { SqlTx } from '../../core/index.ts';
import { SqlTxFinishedError } from './errors.ts';
import { isConnectionError, isRetryableTxError } from './errors.ts';
import { ClientTx } from './tx.ts';

/** The result of {@link withSavepoint}: the work's value, or its error after rolling back to the savepoint. */
export type SavepointResult<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Thrown when a failure inside a savepoint cannot be contained (a serialization failure or a lost
 * connection): the whole transaction must end, and be re-run when the cause asks for it.
 */
export class TransactionDoomedError extends Error {
  constructor(cause: unknown) {
    super('the transaction cannot continue after a failure inside a savepoint', { cause });
    this.name = 'TransactionDoomedError';
  }
}

/**
 * Runs `work` inside `SAVEPOINT name` of an open transaction, with a view of `tx` that refuses queries
 * once the work is over (a timed-out handler cannot write into the next item's scope). A failure rolls
 * back to the savepoint and is returned, leaving the transaction usable; a serialization failure or a
 * lost connection cannot be contained on CockroachDB, so it throws {@link TransactionDoomedError}.
 * @example const r = await withSavepoint(tx, 'hearth_item', (scoped) => handle(scoped))
 */
export async function withSavepoint<T>(
  tx: SqlTx,
  name: string,
  work: (scoped: SqlTx) => Promise<T>,
): Promise<SavepointResult<T>> {
  await tx.query(`SAVEPOINT ${name}`);
  let open = true;
  const scoped: SqlTx = {
    query: (text, params) => {
      if (!open) return Promise.reject(new SqlTxFinishedError('rolled back'));
      return tx.query(text, params);
    },
  };
  try {
    const value = await work(scoped);
    open = false;
    await tx.query(`RELEASE SAVEPOINT ${name}`);
    return { ok: true, value };
  } catch (error) {
    open = false;
    if (isRetryableTxError(error) || isConnectionError(error)) throw new TransactionDoomedError(error);
    try {
      // Queued on the same connection after any statement still in flight, so that one is undone too.
      await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
    } catch (rollbackError) {
      throw new TransactionDoomedError(rollbackError);
    }
    // Recovered: a COMMIT later must not be judged by this statement's error.
    if (tx instanceof ClientTx) tx.clearError();
    return { ok: false, error };
  }
}
