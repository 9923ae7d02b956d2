import type { PoolClient } from 'pg';
import type { SqlTx } from '../../core/index.ts';
import { SqlTxFinishedError } from './errors.ts';

type TxState = 'open' | 'committing' | 'committed' | 'rolled back';

/**
 * The SqlTx handed to transaction work: one pooled client, valid only while its transaction is open.
 * Once the transaction ends the client goes back to the pool, so a late query (from a handler that
 * timed out) must fail instead of running on whatever transaction the client serves next.
 */
export class ClientTx implements SqlTx {
  #client: PoolClient;
  #state: TxState = 'open';
  /** The first statement error seen; the work may have swallowed it, COMMIT then reports ROLLBACK. */
  firstError: unknown = undefined;

  constructor(client: PoolClient) {
    this.#client = client;
  }

  get state(): TxState {
    return this.#state;
  }

  async query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<{ rows: R[]; rowCount: number }> {
    if (this.#state !== 'open') throw new SqlTxFinishedError(this.#state);
    try {
      const result = await this.#client.query<R>(text, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    } catch (error) {
      this.firstError ??= error;
      throw error;
    }
  }

  /** A statement failed but was rolled back to a savepoint: the transaction is healthy again. */
  clearError(): void {
    this.firstError = undefined;
  }

  /** Closes the tx to further queries before COMMIT is sent, so nothing slips in after it. */
  markCommitting(): void {
    this.#state = 'committing';
  }

  markFinished(committed: boolean): void {
    this.#state = committed ? 'committed' : 'rolled back';
  }
}
