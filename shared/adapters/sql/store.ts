import pg from 'pg';
import type { Pool, PoolClient, PoolConfig } from 'pg';
import { backoffDelay, jsonLogger, sleep } from '../../core/index.ts';
import type { Logger, RetryPolicy, SqlStore, SqlTx } from '../../core/index.ts';
import {
  isConnectionError,
  isRetryableTxError,
  SqlCommitUnknownError,
  SqlRetriesExhaustedError,
  SqlTxAbortedError,
  SqlUnavailableError,
  sqlStateOf,
} from './errors.ts';
import { Limiter } from './limiter.ts';
import { ClientTx } from './tx.ts';

/** Why a transaction is re-run: a serialization failure/deadlock, or the database was unreachable. */
export type SqlRetryReason = 'serialization' | 'connection';

/** Passed to {@link PgSqlStoreOptions.onRetry} before each re-run. */
export interface SqlRetryInfo {
  reason: SqlRetryReason;
  /** Failures of this reason so far in this transaction call (1 on the first retry). */
  attempt: number;
  delayMs: number;
  error: unknown;
}

export interface PgSqlStoreOptions {
  /** node-postgres pool settings (connectionString, max, options, ssl, ...). */
  pool: PoolConfig;
  log?: Logger;
  /** Re-runs on SQLSTATE 40001/40P01. Default 8 attempts, 20 ms doubling to 1 s. */
  txRetry?: Partial<RetryPolicy>;
  /** Re-runs when no transaction could be started (DB down/restarting). Default 10 attempts, 100 ms to 5 s. */
  connectRetry?: Partial<RetryPolicy>;
  /** Observes every retry (metrics, tests). */
  onRetry?: (info: SqlRetryInfo) => void;
}

type Attempt<T> = { ok: true; value: T } | { ok: false; reason: SqlRetryReason; error: unknown };

/**
 * SqlStore on a `pg.Pool`, for CockroachDB and PostgreSQL alike: SERIALIZABLE transactions re-run on
 * 40001 (CockroachDB asks clients to retry) and when the database is briefly unreachable before BEGIN.
 * @example const sql = new PgSqlStore({ pool: { connectionString: process.env.DATABASE_URL } })
 */
export class PgSqlStore implements SqlStore {
  readonly #pool: Pool;
  readonly #log: Logger;
  readonly #txRetry: RetryPolicy;
  readonly #connectRetry: RetryPolicy;
  readonly #onRetry: ((info: SqlRetryInfo) => void) | undefined;
  readonly #limiter: Limiter;
  readonly #pipelined: boolean;
  #closing: Promise<void> | undefined;
  /** Total re-runs since the store was created, all reasons. */
  retries = 0;

  constructor(options: PgSqlStoreOptions) {
    this.#log = options.log ?? jsonLogger({ level: 'warn', base: { component: 'sql' } });
    this.#txRetry = { attempts: 8, initialDelayMs: 20, maxDelayMs: 1_000, ...options.txRetry };
    this.#connectRetry = { attempts: 10, initialDelayMs: 100, maxDelayMs: 5_000, ...options.connectRetry };
    this.#onRetry = options.onRetry;
    this.#pool = new pg.Pool(options.pool);
    this.#limiter = new Limiter(options.pool.max ?? 10);
    this.#pipelined = (options.pool as { pipeline?: boolean }).pipeline === true;
    // Without a listener an idle client's error (e.g. the DB restarting) would crash the process.
    this.#pool.on('error', (error) => this.#log.warn('idle SQL connection failed; the pool dropped it', { error }));
  }

  /**
   * Runs one statement outside any explicit transaction (autocommit). A single statement that failed
   * with 40001 did not commit, so it is re-run like a transaction; an unreachable database throws
   * {@link SqlUnavailableError}.
   */
  async query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<{ rows: R[]; rowCount: number }> {
    for (let failures = 0; ;) {
      const release = await this.#limiter.acquire();
      try {
        const result = await this.#pool.query<R>(text, params as unknown[] | undefined);
        return { rows: result.rows, rowCount: result.rowCount ?? 0 };
      } catch (error) {
        if (isConnectionError(error)) throw new SqlUnavailableError(error);
        if (!isRetryableTxError(error)) throw error;
        failures += 1;
        if (failures >= this.#txRetry.attempts) throw new SqlRetriesExhaustedError(failures, error);
        const delayMs = backoffDelay(this.#txRetry, failures);
        this.retries += 1;
        this.#onRetry?.({ reason: 'serialization', attempt: failures, delayMs, error });
        release();
        await sleep(delayMs);
      } finally {
        release();
      }
    }
  }

  async transaction<T>(work: (tx: SqlTx) => Promise<T>): Promise<T> {
    const failures: Record<SqlRetryReason, number> = { serialization: 0, connection: 0 };
    for (;;) {
      const attempt = await this.#attempt(work);
      if (attempt.ok) return attempt.value;
      const policy = attempt.reason === 'serialization' ? this.#txRetry : this.#connectRetry;
      failures[attempt.reason] += 1;
      const count = failures[attempt.reason];
      if (count >= policy.attempts) {
        if (attempt.reason === 'connection') throw new SqlUnavailableError(attempt.error);
        throw new SqlRetriesExhaustedError(count, attempt.error);
      }
      const delayMs = backoffDelay(policy, count);
      this.retries += 1;
      this.#onRetry?.({ reason: attempt.reason, attempt: count, delayMs, error: attempt.error });
      this.#log.debug('retrying SQL transaction', {
        reason: attempt.reason,
        attempt: count,
        delayMs,
        sqlState: sqlStateOf(attempt.error),
        error: attempt.error,
      });
      await sleep(delayMs);
    }
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  /**
   * The same pool, for work that may hold at most `max` of its connections at once (event
   * transactions), so the rest stay free for the work such a holder may wait on.
   * @example const txSql = sql.limited(8)
   */
  limited(max: number): SqlStore {
    const limiter = new Limiter(max);
    const within = async <T>(work: () => Promise<T>): Promise<T> => {
      const release = await limiter.acquire();
      try {
        return await work();
      } finally {
        release();
      }
    };
    return {
      query: (text, params) => within(() => this.query(text, params)),
      transaction: (work) => within(() => this.transaction(work)),
      ping: () => this.ping(),
      close: () => this.close(),
    };
  }

  /** Ends the pool; safe to call more than once. */
  close(): Promise<void> {
    this.#closing ??= this.#pool.end();
    return this.#closing;
  }

  async #attempt<T>(work: (tx: SqlTx) => Promise<T>): Promise<Attempt<T>> {
    const release = await this.#limiter.acquire();
    try {
      return await this.#attemptOnClient(work);
    } finally {
      release();
    }
  }

  async #attemptOnClient<T>(work: (tx: SqlTx) => Promise<T>): Promise<Attempt<T>> {
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      if (isConnectionError(error)) return { ok: false, reason: 'connection', error };
      throw error;
    }
    // A checked-out client has no pool listener; an 'error' event without one would crash the process.
    const onClientError = (error: Error): void =>
      this.#log.warn('SQL connection failed during a transaction', { error });
    client.on('error', onClientError);
    let broken: Error | undefined;
    try {
      if (this.#pipelined) {
        // Pipeline mode: BEGIN travels with the work's first statement instead of costing a round trip.
        let beginError: unknown;
        const begun = client.query('BEGIN ISOLATION LEVEL SERIALIZABLE').then(
          () => undefined,
          (error: unknown) => void (beginError = error),
        );
        const attempt = await this.#runAndCommit(client, work, (error) => (broken = error));
        await begun;
        if (beginError !== undefined && isConnectionError(beginError)) {
          broken = asError(beginError);
          if (!attempt.ok) return { ok: false, reason: 'connection', error: beginError };
        }
        return attempt;
      }
      try {
        await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
      } catch (error) {
        broken = asError(error);
        if (isConnectionError(error)) return { ok: false, reason: 'connection', error };
        throw error;
      }
      return await this.#runAndCommit(client, work, (error) => (broken = error));
    } finally {
      client.off('error', onClientError);
      // Passing an error destroys the client instead of returning a possibly broken one to the pool.
      client.release(broken);
    }
  }

  async #runAndCommit<T>(
    client: PoolClient,
    work: (tx: SqlTx) => Promise<T>,
    markBroken: (error: Error) => void,
  ): Promise<Attempt<T>> {
    const tx = new ClientTx(client);
    let value: T;
    try {
      value = await work(tx);
    } catch (error) {
      tx.markFinished(false);
      await client.query('ROLLBACK').catch((rollbackError: unknown) => markBroken(asError(rollbackError)));
      // The work may wrap or replace the database error (e.g. a failed-transaction 25P02 after a 40001).
      if (isRetryableTxError(error) || isRetryableTxError(tx.firstError))
        return { ok: false, reason: 'serialization', error };
      // The connection dropped mid-transaction: nothing committed, and it is the database's outage.
      if (isConnectionError(error) && !(error instanceof SqlUnavailableError)) throw new SqlUnavailableError(error);
      throw error;
    }
    tx.markCommitting();
    let command: string;
    try {
      command = (await client.query('COMMIT')).command;
    } catch (error) {
      tx.markFinished(false);
      // The server answered: the transaction rolled back and asks for a re-run.
      if (isRetryableTxError(error)) return { ok: false, reason: 'serialization', error };
      markBroken(asError(error));
      // No answer (or CockroachDB's 40003 statement_completion_unknown): it may have committed.
      if (isConnectionError(error) || sqlStateOf(error) === '40003') throw new SqlCommitUnknownError(error);
      throw error;
    }
    if (command === 'ROLLBACK') {
      // PostgreSQL answers COMMIT of an aborted transaction with ROLLBACK, not an error.
      tx.markFinished(false);
      if (isRetryableTxError(tx.firstError)) return { ok: false, reason: 'serialization', error: tx.firstError };
      throw new SqlTxAbortedError(tx.firstError);
    }
    tx.markFinished(true);
    return { ok: true, value };
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
