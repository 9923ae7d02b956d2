/**
 * The contracts of durable execution: what a durable handler may call (steps, transactions, sleeps,
 * waits) and the journal store behind them (a port; the SQL adapter implements it).
 */
import type { RetryPolicy } from '../backoff.ts';
import type { EmitOptions } from '../emit.ts';
import type { EventMeta, EventSource } from '../envelope.ts';
import type { OutgoingMessage, SqlTx } from '../ports.ts';

/** Options of a durable function (`defineFunction({ durable: { ... } })`). */
export interface DurableOptions<T> {
  /**
   * The execution's identity, whose journal every event with the same key replays. Default: the event
   * id (each event is its own execution). Events sharing a key run one at a time.
   */
  key?: (event: T, meta: EventMeta) => string;
  /** Executions with this key are stopped by `ctx.cancel(key)` (for example the task id). */
  cancelKey?: (event: T, meta: EventMeta) => string | undefined;
  /** Topics `ctx.waitForEvent` may wait on; the host consumes them to resolve waits. */
  waitsFor?: readonly string[];
  /** Default retry policy of a step's function. Default 3 attempts, 200 ms doubling to 10 s. */
  stepRetries?: number | Partial<RetryPolicy>;
}

/** A durable function's settings with defaults applied. */
export interface DurableSettings {
  key: ((event: unknown, meta: EventMeta) => string) | undefined;
  cancelKey: ((event: unknown, meta: EventMeta) => string | undefined) | undefined;
  waitsFor: readonly string[];
  stepRetry: RetryPolicy;
}

/** Options of one `ctx.step`. */
export interface StepOptions {
  /** Attempts of `fn` (or a full policy) before the failure goes to the event's own retries. */
  retries?: number | Partial<RetryPolicy>;
  /** Time limit of one attempt of `fn`; default the function's timeoutMs. */
  timeoutMs?: number;
}

/** What `ctx.waitForEvent` waits for: the next event on `topic` whose fields equal `match`. */
export interface WaitForEventOptions {
  topic: string;
  /** Field paths (dots for nesting) and the values they must equal, e.g. `{ taskId: 't-1' }`. */
  match: Record<string, string | number | boolean>;
  /** Give up after this long; `waitForEvent` then returns null. Default: wait forever. */
  timeoutMs?: number;
}

/** What a `ctx.transaction` body receives: the transaction and an emit that commits with it. */
export interface TransactionContext {
  sql: SqlTx;
  emit: (topic: string, payload: unknown, options?: EmitOptions) => void;
}

/** The durable half of a handler's context; in a short function every call throws a clear error. */
export interface DurableContext {
  /**
   * Runs `fn` outside any transaction and journals its JSON result; a re-execution returns the journaled
   * result instead of running `fn` again. `fn` may run again only if it was interrupted mid-flight.
   */
  step<R>(id: string, fn: (signal: AbortSignal) => Promise<R> | R, options?: StepOptions): Promise<R>;
  /**
   * Short SQL work committed together with its journal row and its emits: exactly once. Without an id
   * the step is named by call order (`transaction:1`, `transaction:2`, ...).
   */
  transaction<R>(id: string, work: (tx: TransactionContext) => Promise<R>): Promise<R>;
  transaction<R>(work: (tx: TransactionContext) => Promise<R>): Promise<R>;
  /** Parks the execution until `until` (a Date) or for `duration` ms; its offset is committed meanwhile. */
  sleep(id: string, durationOrUntil: number | Date): Promise<void>;
  /** Parks until a matching event arrives (its payload is returned) or the timeout passes (null). */
  waitForEvent<E = unknown>(id: string, options: WaitForEventOptions): Promise<E | null>;
}

/** How a journaled step ended. */
export type StepKind = 'run' | 'transaction' | 'sleep' | 'wait';

/** A failure as journaled, enough to throw the same error again. */
export interface JournaledError {
  errorClass: string;
  message: string;
  code?: string;
}

/** One journal row. */
export interface JournalEntry {
  stepId: string;
  kind: StepKind;
  outcome: 'ok' | 'error';
  /** The JSON result (sleep: `{ until }`, wait: `{ event }` or `{ timedOut: true }`). */
  value?: unknown;
  error?: JournaledError;
}

/** An execution's identity in the store. */
export interface ExecutionRef {
  functionName: string;
  key: string;
}

/** The part of an envelope a store keeps so any replica can resume the execution. */
export interface StoredEnvelope {
  id?: string;
  /** The body as UTF-8 text, or base64 when it is not valid UTF-8. */
  body: string | null;
  bodyEncoding?: 'base64';
  data?: unknown;
  key: string | null;
  headers: Record<string, string>;
  source: EventSource;
}

/** The answer to a claim. */
export type ClaimResult =
  | {
      state: 'claimed';
      /** How many times the execution has been claimed; 1 means it is new and its journal is empty. */
      run: number;
      attempt: number;
      cancelRequested: boolean;
    }
  /** This event already completed (its ledger row exists). */
  | { state: 'done' }
  /** Another replica holds the execution's lease; try again after this long. */
  | { state: 'held'; retryInMs: number }
  | { state: 'cancelled' };

/** What a journal write reports back. */
export interface RecordResult {
  /** The stored row: this call's, or an earlier writer's when the step was journaled concurrently. */
  entry: JournalEntry;
  cancelRequested: boolean;
  /** False when another replica took the execution over: stop at once. */
  owned: boolean;
}

/** An execution the sweep took to resume, with what is needed to run it. */
export interface ResumableExecution extends ExecutionRef {
  eventId: string;
  envelope: StoredEnvelope;
  attempt: number;
}

/** A wait as registered in the store. */
export interface WaitRegistration {
  stepId: string;
  topic: string;
  /** Canonical key of the match values, and the sorted field paths it was built from. */
  matchKey: string;
  matchFields: string;
  expiresAt: Date | null;
}

/**
 * The durable execution store (journal, leases, parking, waits, cancellation). One SQL implementation
 * runs on PostgreSQL and CockroachDB alike.
 */
export interface DurableStore {
  /** Takes (or creates) the execution for this owner; refuses while another live owner holds it. */
  claim(input: {
    ref: ExecutionRef;
    eventId: string;
    owner: string;
    leaseMs: number;
    envelope: StoredEnvelope;
    cancelKey: string | null;
    attempt: number;
  }): Promise<ClaimResult>;
  journal(ref: ExecutionRef): Promise<JournalEntry[]>;
  /** Journals a step unless it is journaled already; also reports cancellation and ownership. */
  record(
    ref: ExecutionRef,
    owner: string,
    entry: JournalEntry & { startedAt: Date; attempts: number },
  ): Promise<RecordResult>;
  /** Runs `work` in one transaction with the step's journal row and the outbox rows it emits. */
  transaction<R>(
    ref: ExecutionRef,
    owner: string,
    stepId: string,
    work: (tx: SqlTx) => Promise<{ value: R; messages: OutgoingMessage[] }>,
  ): Promise<RecordResult>;
  /** Registers a wait (idempotent); returns the stored registration's expiry. */
  registerWait(ref: ExecutionRef, wait: WaitRegistration): Promise<{ expiresAt: Date | null }>;
  /** Parks the execution (releases the lease) until `wakeAt` or an event. `attempt` moves on a retry. */
  park(
    ref: ExecutionRef,
    owner: string,
    park: {
      wakeAt: Date | null;
      /** The sleep or wait it parks on (a wait resolved meanwhile wakes it at once). */
      waitingFor: { stepId: string; kind: 'sleep' | 'wait' } | null;
      attempt?: number;
      error?: string;
    },
  ): Promise<void>;
  /** Commits the end of the execution: ledger row of `eventId`, outbox rows, status done. */
  complete(
    ref: ExecutionRef,
    owner: string,
    end: { eventId: string; value: unknown; messages: readonly OutgoingMessage[] },
  ): Promise<{ duplicate: boolean }>;
  /** Puts a failed execution back to run again at `wakeAt` (its dead letter could not be published). */
  reopen(ref: ExecutionRef, wakeAt: Date): Promise<void>;
  /** Ends the execution as failed (dead-lettered) or cancelled. */
  finish(ref: ExecutionRef, owner: string, end: { status: 'failed' | 'cancelled'; error: string }): Promise<void>;
  /** Extends the lease of every execution this owner runs. */
  renew(owner: string, leaseMs: number): Promise<void>;
  /** Claims up to `limit` executions that are due (timer passed, event arrived, lease expired). */
  due(input: {
    functions: readonly string[];
    owner: string;
    leaseMs: number;
    limit: number;
  }): Promise<ResumableExecution[]>;
  /** Resolves the waits on `topic` that `payload` matches; returns the executions to wake. */
  resolveWaits(input: {
    functions: readonly string[];
    topic: string;
    payload: unknown;
    /** Only waits registered before this (with a little clock-skew allowance) match. */
    producedAt: Date;
    keyFor: (fields: string, payload: unknown) => string | undefined;
  }): Promise<ExecutionRef[]>;
  /** Asks every unfinished execution with this cancel key to stop; parked ones stop now. */
  requestCancel(sql: SqlTx | undefined, cancelKey: string): Promise<number>;
}
