import { backoffDelay } from '../backoff.ts';
import type { AnyFunction, HandlerContext } from '../define.ts';
import { collectingEmit } from '../emit.ts';
import type { Envelope, EventMeta } from '../envelope.ts';
import { NonRetriableError } from '../errors.ts';
import { classify, type Outcome } from '../outcome.ts';
import type { KvStore, Logger, OutgoingMessage, SqlStore, SqlTx } from '../ports.ts';
import { Execution, jsonValue, type ExecutionDeps } from './execution.ts';
import { Cancelled, Superseded, Suspended, Yielded } from './interrupts.ts';
import { runStep, runTransaction } from './step.ts';
import { storeEnvelope } from './stored-envelope.ts';
import type { DurableStore, ExecutionRef, TransactionContext } from './types.ts';
import { sleepUntil, waitFor } from './wait.ts';

/** What the host gives durable functions. */
export interface DurableRuntime {
  store: DurableStore;
  /** This process, as the owner of the executions it runs (its replica id). */
  owner: string;
  /** How long a claim holds off other replicas; renewed while the execution runs. Default 15 s. */
  leaseMs?: number;
  /** Told when an execution parked here (the host arms a timer for its wake-up). */
  onParked?: (ref: ExecutionRef, wakeAt: Date | null) => void;
}

/** The rest of what one durable run needs (a subset of the core's InvokeDeps). */
export interface DurableRunDeps {
  durable?: DurableRuntime;
  database: SqlStore;
  kv: KvStore;
  log: Logger;
  signal?: AbortSignal;
  shouldYield?: () => boolean;
}

const DEFAULT_LEASE_MS = 15_000;

/**
 * Runs one attempt of a durable function: claims the execution (or learns it is done, cancelled or
 * held elsewhere), replays the journal through the handler, then commits the end, parks, hands over or
 * fails, and says what the delivery should do. Nothing here holds a connection while the handler runs.
 * @example const outcome = await executeDurable(fn, event, meta, envelope, deps)
 */
export async function executeDurable(
  fn: AnyFunction,
  event: unknown,
  meta: EventMeta,
  envelope: Envelope,
  deps: DurableRunDeps,
): Promise<Outcome> {
  const settings = fn.durable;
  const runtime = deps.durable;
  if (!settings || !runtime) {
    throw new NonRetriableError(`function "${fn.name}" is durable but this host has no durable store configured`);
  }
  const key = settings.key ? settings.key(event, meta) : meta.id;
  if (typeof key !== 'string' || key.length === 0 || key.length > 500) {
    throw new NonRetriableError(
      `durable.key of "${fn.name}" must return a non-empty string of at most 500 characters, got ${JSON.stringify(key)}`,
    );
  }
  const cancelKey = settings.cancelKey?.(event, meta) ?? null;
  const ref: ExecutionRef = { functionName: fn.name, key };
  const { store, owner } = runtime;
  const claim = await store.claim({
    ref,
    eventId: meta.id,
    owner,
    leaseMs: runtime.leaseMs ?? DEFAULT_LEASE_MS,
    envelope: { ...storeEnvelope(envelope), id: meta.id },
    cancelKey,
    attempt: envelope.attempt,
  });
  if (claim.state === 'done') return { status: 'done', duplicate: true };
  if (claim.state === 'cancelled') return { status: 'done', duplicate: false, cancelled: true };
  if (claim.state === 'held') {
    return {
      status: 'retry',
      delayMs: claim.retryInMs,
      paused: 'held',
      failure: {
        errorClass: 'ExecutionHeld',
        message: `execution "${key}" is running on another replica`,
        at: new Date(),
      },
    };
  }
  const log = deps.log.child({ function: fn.name, eventId: meta.id, execution: key, attempt: envelope.attempt });
  const executionDeps: ExecutionDeps = {
    store,
    owner,
    log,
    ...(deps.shouldYield ? { shouldYield: deps.shouldYield } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
  };
  const journal = claim.run > 1 ? await store.journal(ref) : [];
  const execution = new Execution(ref, executionDeps, journal, claim.cancelRequested);
  const messages: OutgoingMessage[] = [];
  const ctx = durableHandlerContext(fn, meta, execution, messages, deps, log);
  try {
    execution.boundary();
    const value = await fn.handler(event, ctx);
    await execution.settle();
    if (execution.interrupt) throw execution.interrupt;
    const { duplicate } = await store.complete(ref, owner, { eventId: meta.id, value: resultOf(value), messages });
    return duplicate ? { status: 'done', duplicate: true } : { status: 'done', duplicate: false, value };
  } catch (thrown) {
    await execution.settle();
    const interrupt = execution.interrupt;
    if (interrupt instanceof Suspended) {
      await store.park(ref, owner, {
        wakeAt: interrupt.wakeAt,
        waitingFor: { stepId: interrupt.stepId, kind: interrupt.reason },
      });
      runtime.onParked?.(ref, interrupt.wakeAt);
      return {
        status: 'done',
        duplicate: false,
        parked: { reason: interrupt.reason, stepId: interrupt.stepId, wakeAt: interrupt.wakeAt },
      };
    }
    if (interrupt instanceof Yielded) {
      const now = new Date();
      await store.park(ref, owner, { wakeAt: now, waitingFor: null });
      return { status: 'done', duplicate: false, parked: { reason: 'yield', wakeAt: now } };
    }
    // Another replica runs it now; from this delivery's point of view the event is taken care of.
    if (interrupt instanceof Superseded) return { status: 'done', duplicate: true };
    if (interrupt instanceof Cancelled) {
      await store.finish(ref, owner, { status: 'cancelled', error: 'cancelled' });
      log.info('durable execution cancelled');
      return { status: 'done', duplicate: false, cancelled: true };
    }
    const outcome = classify(thrown, envelope.attempt, fn.retry.attempts, () =>
      backoffDelay(fn.retry, envelope.attempt),
    );
    if (outcome.status === 'dead-letter') {
      await store.finish(ref, owner, {
        status: 'failed',
        error: `${outcome.failure.errorClass}: ${outcome.failure.message}`,
      });
    }
    return outcome;
  }
}

function durableHandlerContext(
  fn: AnyFunction,
  meta: EventMeta,
  execution: Execution,
  messages: OutgoingMessage[],
  deps: DurableRunDeps,
  log: Logger,
): HandlerContext {
  const settings = fn.durable!;
  const defaults = { retry: settings.stepRetry, timeoutMs: fn.timeoutMs };
  let transactions = 0;
  return {
    meta,
    sql: noEventTransaction(fn.name),
    database: deps.database,
    kv: deps.kv,
    log,
    signal: deps.signal ?? new AbortController().signal,
    emit: collectingEmit(fn.name, meta.id, meta, messages),
    cancel: (cancelKey) => execution.deps.store.requestCancel(undefined, cancelKey),
    step: (id, work, options = {}) => runStep(execution, id, work, options, defaults),
    transaction: <R>(
      id: string | ((tx: TransactionContext) => Promise<R>),
      work?: (tx: TransactionContext) => Promise<R>,
    ): Promise<R> =>
      typeof id === 'function'
        ? runTransaction(execution, `transaction:${++transactions}`, meta, fn.name, id)
        : runTransaction(execution, id, meta, fn.name, work as (tx: TransactionContext) => Promise<R>),
    sleep: (id, until) => sleepUntil(execution, id, until),
    waitForEvent: (id, options) => waitFor(execution, id, options, settings.waitsFor),
  };
}

function noEventTransaction(fnName: string): SqlTx {
  return {
    query: () =>
      Promise.reject(
        new NonRetriableError(
          `function "${fnName}" is durable, so its handler runs outside any transaction and ctx.sql is not available: use ctx.transaction("id", ({ sql }) => sql.query(...)) for exactly-once writes, or ctx.database for plain reads`,
        ),
      ),
  };
}

/** The execution's result as stored: JSON, or null for values that are not (an HTTP stream). */
function resultOf(value: unknown): unknown {
  try {
    return jsonValue('result', value);
  } catch {
    return null;
  }
}
