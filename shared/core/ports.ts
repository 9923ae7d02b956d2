/**
 * Ports: the small contracts the core depends on. Adapters in shared/adapters/<x> implement them;
 * the core never imports a platform or backend SDK.
 */

/** One SQL statement runner, bound to a transaction when handed to a handler. */
export interface SqlTx {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<{ rows: R[]; rowCount: number }>;
}

/** A SQL database (PostgreSQL wire: CockroachDB or PostgreSQL). Transactions retry SQLSTATE 40001. */
export interface SqlStore extends SqlTx {
  /** Runs `work` in a SERIALIZABLE transaction, re-running it on SQLSTATE 40001 with backoff. */
  transaction<T>(work: (tx: SqlTx) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Options for {@link KvStore.set}. */
export interface KvSetOptions {
  /** Expire the key after this many milliseconds. */
  ttlMs?: number;
  /** Only set when the key does not exist (a lock). */
  ifNotExists?: boolean;
}

/**
 * The fast-path key-value store (Redis reached like Upstash). Values are JSON. Losing it loses no
 * correctness: everything kept here is a cache, counter, limit or lock.
 */
export interface KvStore {
  get<T = unknown>(key: string): Promise<T | null>;
  /** Returns false when `ifNotExists` was set and the key existed. */
  set(key: string, value: unknown, options?: KvSetOptions): Promise<boolean>;
  del(...keys: string[]): Promise<number>;
  /** Atomically adds `by`; sets the TTL when the key is created by this call. */
  incrBy(key: string, by: number, options?: { ttlMs?: number }): Promise<number>;
  expire(key: string, ttlMs: number): Promise<boolean>;
  /** Milliseconds left, -1 without expiry, -2 when missing. */
  ttlMs(key: string): Promise<number>;
  /** Appends to a list, trims it to the newest `maxLength` items, refreshes the TTL. */
  listPush(key: string, values: readonly unknown[], options?: { maxLength?: number; ttlMs?: number }): Promise<number>;
  listRange<T = unknown>(key: string, start: number, stop: number): Promise<T[]>;
  hashSet(key: string, fields: Record<string, unknown>): Promise<number>;
  hashGetAll<T = unknown>(key: string): Promise<Record<string, T> | null>;
  /** Deletes the key only if it holds `expected` (safe lock release). */
  deleteIfEquals(key: string, expected: unknown): Promise<boolean>;
  /**
   * Runs a Lua script atomically (Redis EVAL: `KEYS` and `ARGV`). Scripts see raw strings, not JSON, so
   * keep the keys they touch to numbers and strings they write themselves.
   */
  runScript<T = unknown>(script: string, keys: readonly string[], args: readonly (string | number)[]): Promise<T>;
  ping(): Promise<void>;
}

/** A record about to be published; written to the outbox in the handler's transaction. */
export interface OutgoingMessage {
  topic: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/**
 * Sends records to the broker and resolves once all are acknowledged (the outbox relay's sink). A broker
 * outage rejects with a DependencyUnavailableError('kafka'); a refused record with any other error.
 */
export interface Publisher {
  publish(messages: readonly OutgoingMessage[]): Promise<void>;
}

/** Structured logger; fields are JSON values. Never pass prompt or completion text. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** The result of {@link EffectStore.runOnce}. */
export type RunOnceResult<T> = { duplicate: true } | { duplicate: false; value: T };

/**
 * Exactly-once effects: runs `work` in one transaction together with a ledger row keyed by
 * (function, event id) and the outbox rows of the messages it emits. A second run with the same key is a
 * no-op that reports `duplicate`. Retries SQLSTATE 40001 by re-running `work`.
 */
export interface EffectStore {
  runOnce<T>(
    functionName: string,
    eventId: string,
    work: (tx: SqlTx) => Promise<{ value: T; messages: OutgoingMessage[] }>,
  ): Promise<RunOnceResult<T>>;
  /**
   * Group commit (optional): every `scope.runOnce` made by `body` commits in one transaction, each
   * event isolated so one failing event does not undo the others. A transaction-level failure throws
   * and commits nothing.
   */
  runBatch?<T>(body: (scope: EffectStore) => Promise<T>): Promise<T>;
  /**
   * Optimistic chunk (optional, the fast path): claims every id of `eventIds` in one statement, runs
   * `work` with the ids it claimed (the others are duplicates) in one transaction, and writes the
   * messages it returns as one outbox record. Any failure throws and commits nothing.
   */
  runMany?(
    functionName: string,
    eventIds: readonly string[],
    work: (claimed: ReadonlySet<string>, tx: SqlTx) => Promise<OutgoingMessage[]>,
  ): Promise<void>;
}
