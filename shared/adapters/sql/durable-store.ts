import type {
  ClaimResult,
  DurableStore,
  ExecutionRef,
  JournalEntry,
  JournaledError,
  RecordResult,
  ResumableExecution,
  StoredEnvelope,
  WaitRegistration,
} from '../../core/durable/types.ts';
import type { OutgoingMessage, SqlStore, SqlTx } from '../../core/index.ts';
import * as q from './durable-sql.ts';
import { insertOutbox, outboxTuples, ROWS_PER_INSERT } from './outbox.ts';

export interface PgDurableStoreOptions {
  /** Called after a commit that queued outbox rows; the relay publishes them at once. */
  onCommitted?: (messages: readonly OutgoingMessage[]) => void;
}

type StepRow = { step_id: string; kind: JournalEntry['kind']; outcome: 'ok' | 'error'; value: unknown; error: unknown };

/** Thrown inside a journaled transaction to roll it back when the step was already journaled. */
class AlreadyJournaled extends Error {
  readonly owned: boolean;
  constructor(owned: boolean) {
    super('step already journaled');
    this.owned = owned;
  }
}

/**
 * The durable execution store on SQL (CockroachDB or PostgreSQL): executions with leases, the step
 * journal, waits and cancellation. Every hot-path call is one statement; only `ctx.transaction` bodies,
 * parking and wait resolution take a transaction (SERIALIZABLE, retried on 40001).
 * @example const store = new PgDurableStore(sql, { onCommitted: () => relay.notify() })
 */
export class PgDurableStore implements DurableStore {
  readonly #sql: SqlStore;
  readonly #onCommitted: PgDurableStoreOptions['onCommitted'];

  constructor(sql: SqlStore, options: PgDurableStoreOptions = {}) {
    this.#sql = sql;
    this.#onCommitted = options.onCommitted;
  }

  async claim(input: Parameters<DurableStore['claim']>[0]): Promise<ClaimResult> {
    const { ref } = input;
    const { rows } = await this.#sql.query<{ runs: number; attempt: number; cancel_requested: boolean }>(q.CLAIM, [
      ref.functionName,
      ref.key,
      input.eventId,
      JSON.stringify(input.envelope satisfies StoredEnvelope),
      input.owner,
      interval(input.leaseMs),
      input.cancelKey,
      input.attempt,
    ]);
    const row = rows[0];
    if (row) {
      return {
        state: 'claimed',
        run: Number(row.runs),
        attempt: Number(row.attempt),
        cancelRequested: row.cancel_requested,
      };
    }
    const refusal = await this.#sql.query<{
      done: boolean;
      status: string | null;
      event_id: string | null;
      left_ms: number | null;
    }>(q.CLAIM_REFUSAL, [ref.functionName, ref.key, input.eventId]);
    const why = refusal.rows[0];
    if (!why || why.done || (why.status === 'done' && why.event_id === input.eventId)) return { state: 'done' };
    if (why.status === 'cancelled') return { state: 'cancelled' };
    // Held by a live owner (or a row that changed under us): look again shortly.
    return { state: 'held', retryInMs: Math.min(5_000, Math.max(100, Number(why.left_ms ?? 0))) };
  }

  async journal(ref: ExecutionRef): Promise<JournalEntry[]> {
    const { rows } = await this.#sql.query<StepRow>(q.JOURNAL, [ref.functionName, ref.key]);
    return rows.map(entryOf);
  }

  async record(
    ref: ExecutionRef,
    owner: string,
    entry: JournalEntry & { startedAt: Date; attempts: number },
  ): Promise<RecordResult> {
    return (await this.#record(this.#sql, ref, owner, entry)).result;
  }

  async transaction<R>(
    ref: ExecutionRef,
    owner: string,
    stepId: string,
    work: (tx: SqlTx) => Promise<{ value: R; messages: OutgoingMessage[] }>,
  ): Promise<RecordResult> {
    const startedAt = new Date();
    let queued: OutgoingMessage[] = [];
    try {
      const result = await this.#sql.transaction(async (tx) => {
        const { value, messages } = await work(tx);
        await insertOutbox(tx, messages);
        const { result, fresh } = await this.#record(tx, ref, owner, {
          stepId,
          kind: 'transaction',
          outcome: 'ok',
          value,
          startedAt,
          attempts: 1,
        });
        // Journaled already (by an earlier run that committed) or no longer ours: undo this run's work.
        if (!fresh) throw new AlreadyJournaled(result.owned);
        queued = messages;
        return result;
      });
      if (queued.length > 0) this.#onCommitted?.(queued);
      return result;
    } catch (error) {
      if (!(error instanceof AlreadyJournaled)) throw error;
      if (!error.owned)
        return {
          entry: { stepId, kind: 'transaction', outcome: 'ok', value: null },
          cancelRequested: false,
          owned: false,
        };
      const stored = await entryFrom(this.#sql, ref, stepId);
      return {
        entry: stored ?? { stepId, kind: 'transaction', outcome: 'ok', value: null },
        cancelRequested: false,
        owned: true,
      };
    }
  }

  async registerWait(ref: ExecutionRef, wait: WaitRegistration): Promise<{ expiresAt: Date | null }> {
    const { rows } = await this.#sql.query<{ expires_at: Date | null }>(q.REGISTER_WAIT, [
      ref.functionName,
      ref.key,
      wait.stepId,
      wait.topic,
      wait.matchKey,
      wait.matchFields,
      wait.expiresAt,
    ]);
    return { expiresAt: rows[0]?.expires_at ?? null };
  }

  async park(ref: ExecutionRef, owner: string, park: Parameters<DurableStore['park']>[2]): Promise<void> {
    // A transaction, so a wait resolved concurrently is either seen here or wakes the parked row.
    await this.#sql.transaction((tx) =>
      tx.query(q.PARK, [
        ref.functionName,
        ref.key,
        owner,
        park.waitingFor?.stepId ?? null,
        park.waitingFor?.kind === 'wait',
        park.wakeAt,
        park.attempt ?? null,
        park.error ?? null,
      ]),
    );
  }

  async complete(
    ref: ExecutionRef,
    owner: string,
    end: { eventId: string; value: unknown; messages: readonly OutgoingMessage[] },
  ): Promise<{ duplicate: boolean }> {
    const base = [ref.functionName, ref.key, end.eventId, JSON.stringify(end.value ?? null), owner];
    let claimed: boolean;
    if (end.messages.length <= ROWS_PER_INSERT) {
      // One statement: ledger row, outbox rows and the status commit together (an implicit transaction).
      const { tuples, params } = outboxTuples(end.messages, base.length);
      const { rows } = await this.#sql.query<{ claimed: string | number }>(q.completeStatement(tuples), [
        ...base,
        ...params,
      ]);
      claimed = Number(rows[0]?.claimed ?? 0) > 0;
    } else {
      claimed = await this.#sql.transaction(async (tx) => {
        const { rows } = await tx.query<{ claimed: string | number }>(q.completeStatement(''), base);
        const fresh = Number(rows[0]?.claimed ?? 0) > 0;
        if (fresh) await insertOutbox(tx, end.messages);
        return fresh;
      });
    }
    if (claimed && end.messages.length > 0) this.#onCommitted?.(end.messages);
    return { duplicate: !claimed };
  }

  async finish(
    ref: ExecutionRef,
    owner: string,
    end: { status: 'failed' | 'cancelled'; error: string },
  ): Promise<void> {
    await this.#sql.query(q.FINISH, [ref.functionName, ref.key, owner, end.status, end.error.slice(0, 2_000)]);
  }

  async reopen(ref: ExecutionRef, wakeAt: Date): Promise<void> {
    await this.#sql.query(q.REOPEN, [ref.functionName, ref.key, wakeAt]);
  }

  async renew(owner: string, leaseMs: number): Promise<void> {
    await this.#sql.query(q.RENEW, [owner, interval(leaseMs)]);
  }

  async due(input: Parameters<DurableStore['due']>[0]): Promise<ResumableExecution[]> {
    if (input.functions.length === 0 || input.limit <= 0) return [];
    const { rows } = await this.#sql.query<{
      function_name: string;
      execution_key: string;
      event_id: string;
      envelope: StoredEnvelope;
      attempt: number;
    }>(q.DUE, [input.owner, interval(input.leaseMs), [...input.functions], input.limit]);
    return rows.map((row) => ({
      functionName: row.function_name,
      key: row.execution_key,
      eventId: row.event_id,
      envelope: row.envelope,
      attempt: Number(row.attempt),
    }));
  }

  async resolveWaits(input: Parameters<DurableStore['resolveWaits']>[0]): Promise<ExecutionRef[]> {
    if (input.functions.length === 0) return [];
    const functions = [...input.functions];
    const { rows: fieldSets } = await this.#sql.query<{ match_fields: string }>(q.WAIT_FIELDS, [
      input.topic,
      functions,
    ]);
    const keys = fieldSets.map((row) => input.keyFor(row.match_fields, input.payload)).filter((k) => k !== undefined);
    if (keys.length === 0) return [];
    const value = JSON.stringify({ event: input.payload, topic: input.topic });
    const { rows } = await this.#sql.transaction((tx) =>
      tx.query<{ function_name: string; execution_key: string }>(q.RESOLVE_WAITS, [
        input.topic,
        functions,
        keys,
        value,
        input.producedAt,
      ]),
    );
    return rows.map((row) => ({ functionName: row.function_name, key: row.execution_key }));
  }

  async requestCancel(sql: SqlTx | undefined, cancelKey: string): Promise<number> {
    const { rows } = await (sql ?? this.#sql).query<{ n: string | number }>(q.REQUEST_CANCEL, [cancelKey]);
    return Number(rows[0]?.n ?? 0);
  }

  async #record(
    sql: SqlTx,
    ref: ExecutionRef,
    owner: string,
    entry: JournalEntry & { startedAt: Date; attempts: number },
  ): Promise<{ result: RecordResult; fresh: boolean }> {
    const { rows } = await sql.query<{ inserted: string | number; cancel_requested: boolean; owned: boolean }>(
      q.RECORD,
      [
        ref.functionName,
        ref.key,
        entry.stepId,
        entry.kind,
        entry.outcome,
        entry.outcome === 'ok' ? JSON.stringify(entry.value ?? null) : null,
        entry.error ? JSON.stringify(entry.error) : null,
        entry.attempts,
        entry.startedAt,
        owner,
      ],
    );
    const row = rows[0];
    const owned = row?.owned === true;
    const cancelRequested = row?.cancel_requested === true;
    const plain: JournalEntry = {
      stepId: entry.stepId,
      kind: entry.kind,
      outcome: entry.outcome,
      ...(entry.outcome === 'ok' ? { value: entry.value } : {}),
      ...(entry.error ? { error: entry.error } : {}),
    };
    if (Number(row?.inserted ?? 0) > 0) return { result: { entry: plain, cancelRequested, owned: true }, fresh: true };
    if (!owned) return { result: { entry: plain, cancelRequested, owned: false }, fresh: false };
    // Journaled concurrently by an earlier run of this execution: its result is the one that counts.
    const stored = await entryFrom(sql, ref, entry.stepId);
    return { result: { entry: stored ?? plain, cancelRequested, owned: true }, fresh: false };
  }
}

async function entryFrom(sql: SqlTx, ref: ExecutionRef, stepId: string): Promise<JournalEntry | undefined> {
  const { rows } = await sql.query<StepRow>(q.JOURNAL_ENTRY, [ref.functionName, ref.key, stepId]);
  return rows[0] ? entryOf(rows[0]) : undefined;
}

function entryOf(row: StepRow): JournalEntry {
  return {
    stepId: row.step_id,
    kind: row.kind,
    outcome: row.outcome,
    ...(row.outcome === 'ok' ? { value: row.value } : {}),
    ...(row.error ? { error: row.error as JournaledError } : {}),
  };
}

function interval(ms: number): string {
  return `${Math.max(0, Math.round(ms))} milliseconds`;
}

/**
 * How many durable executions are running and parked (for the host's metrics).
 * @example await durableExecutionCounts(sql) // { running: 3, parked: 12 }
 */
export async function durableExecutionCounts(sql: SqlTx): Promise<Record<'running' | 'parked', number>> {
  const { rows } = await sql.query<{ status: string; n: string | number }>(
    `SELECT status, count(*) AS n FROM hearth_executions WHERE status IN ('running', 'parked') GROUP BY status`,
  );
  const counts = { running: 0, parked: 0 };
  for (const row of rows) if (row.status === 'running' || row.status === 'parked') counts[row.status] = Number(row.n);
  return counts;
}
