import { DependencyUnavailableError, HearthError } from '../../core/index.ts';

/**
 * Typed failures of the SQL adapter plus the SQLSTATE classification that decides what the
 * transaction helper may retry. Retrying is only safe when the database certainly did not commit.
 */

/** A transaction still failed with a retryable error after every allowed attempt. */
export class SqlRetriesExhaustedError extends HearthError {
  readonly attempts: number;
  constructor(attempts: number, cause: unknown) {
    super(`SQL transaction failed after ${attempts} attempts: ${describe(cause)}`, {
      code: 'sql_retries_exhausted',
      cause,
    });
    this.name = 'SqlRetriesExhaustedError';
    this.attempts = attempts;
  }
}

/**
 * The database could not be reached, or dropped the connection: an outage, not the event's fault, so
 * work pauses until it answers again instead of spending attempts.
 */
export class SqlUnavailableError extends DependencyUnavailableError {
  constructor(cause: unknown) {
    super('sql', describe(cause), { cause });
    this.name = 'SqlUnavailableError';
  }
}

/**
 * The connection broke after COMMIT was sent: the transaction may or may not have committed. Not
 * retried here; the caller's ledger makes a re-run of the whole event safe, so it pauses like an outage.
 */
export class SqlCommitUnknownError extends DependencyUnavailableError {
  constructor(cause: unknown) {
    super('sql', `COMMIT result unknown (connection lost after COMMIT was sent): ${describe(cause)}`, { cause });
    this.name = 'SqlCommitUnknownError';
  }
}

/** A query on a transaction that already committed or rolled back (e.g. from a timed-out handler). */
export class SqlTxFinishedError extends HearthError {
  constructor(state: string) {
    super(
      `SQL transaction already ${state}; queries on it are refused (did a handler keep using ctx.sql after it timed out?)`,
      {
        code: 'sql_tx_finished',
      },
    );
    this.name = 'SqlTxFinishedError';
  }
}

/** COMMIT reported ROLLBACK: a statement failed earlier and the work swallowed the error. */
export class SqlTxAbortedError extends HearthError {
  constructor(cause: unknown) {
    super(`SQL transaction was rolled back because an earlier statement failed: ${describe(cause)}`, {
      code: 'sql_tx_aborted',
      cause,
    });
    this.name = 'SqlTxAbortedError';
  }
}

/**
 * The SQLSTATE of a `pg` error (or of an error it caused), if any.
 * @example sqlStateOf(err) // "40001"
 */
export function sqlStateOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = current.cause;
  }
  return undefined;
}

/**
 * True for errors after which the database rolled the transaction back and asks for a re-run:
 * 40001 serialization failure (CockroachDB's "restart transaction") and 40P01 deadlock.
 * @example if (isRetryableTxError(err)) retry()
 */
export function isRetryableTxError(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state === '40001' || state === '40P01';
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now; class 08 is connection exception.
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03']);

/**
 * True when the database could not be reached or dropped the connection (e.g. it is restarting).
 * `pg` reports a socket closed mid-query only as a message without a code, hence the message check.
 * @example isConnectionError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })) // true
 */
export function isConnectionError(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
    }
    if (
      /^Connection terminated|^Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
        current.message,
      )
    ) {
      return true;
    }
    current = current.cause;
  }
  return false;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const state = sqlStateOf(error);
  return state ? `${error.message} (SQLSTATE ${state})` : error.message;
}
