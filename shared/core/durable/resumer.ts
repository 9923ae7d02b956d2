import { backoffDelay } from '../backoff.ts';
import { deadLetterMessage } from '../dead-letter.ts';
import { dependencyOf } from '../errors.ts';
import type { AnyFunction } from '../define.ts';
import { invoke, type InvokeDeps } from '../invoke.ts';
import type { Logger, OutgoingMessage } from '../ports.ts';
import { restoreEnvelope } from './stored-envelope.ts';
import type { DurableStore, ExecutionRef, ResumableExecution } from './types.ts';

export interface ResumerOptions {
  /** The durable functions this host serves; only their executions are resumed here. */
  functions: readonly AnyFunction[];
  store: DurableStore;
  /** The core's dependencies (the resumer adds its own shouldYield and signal). */
  deps: InvokeDeps;
  owner: string;
  log: Logger;
  /** Publishes a dead letter; resolves once the broker acknowledged it. */
  deadLetter: (message: OutgoingMessage) => Promise<void>;
  /** Executions resumed at once by this process. Default 16. */
  concurrency?: number;
  /** How often to look for due executions. Default 1 s. */
  sweepIntervalMs?: number;
  leaseMs?: number;
}

const MAX_TIMER_MS = 2_147_483_647;

/**
 * Resumes parked durable executions on whatever replica is free: a timer sweep (once across replicas:
 * each due row is claimed by one of them) picks up executions whose sleep or wait timed out, whose wait
 * was answered, or whose runner died (lease expired). It also renews the leases of what this process
 * runs. Retries of resumed executions wait parked (no process holds them), dead letters go out here.
 * @example const resumer = new DurableResumer({ functions, store, deps, owner, log, deadLetter }); resumer.start()
 */
export class DurableResumer {
  readonly #byName: Map<string, AnyFunction>;
  readonly #store: DurableStore;
  readonly #deps: InvokeDeps;
  readonly #owner: string;
  readonly #log: Logger;
  readonly #deadLetter: ResumerOptions['deadLetter'];
  readonly #concurrency: number;
  readonly #sweepIntervalMs: number;
  readonly #leaseMs: number;
  readonly #running = new Set<Promise<void>>();
  readonly #stopping = new AbortController();
  #sweepTimer: NodeJS.Timeout | undefined;
  #renewTimer: NodeJS.Timeout | undefined;
  #wakeTimer: { at: number; timer: NodeJS.Timeout } | undefined;
  #sweeping: Promise<void> | undefined;
  #again = false;

  constructor(options: ResumerOptions) {
    this.#byName = new Map(options.functions.filter((fn) => fn.durable).map((fn) => [fn.name, fn]));
    this.#store = options.store;
    this.#deps = options.deps;
    this.#owner = options.owner;
    this.#log = options.log.child({ component: 'durable-resumer' });
    this.#deadLetter = options.deadLetter;
    this.#concurrency = options.concurrency ?? 16;
    this.#sweepIntervalMs = options.sweepIntervalMs ?? 1_000;
    this.#leaseMs = options.leaseMs ?? 15_000;
  }

  /** Executions this process is running now (resumed ones). */
  get inFlight(): number {
    return this.#running.size;
  }

  start(): void {
    if (this.#byName.size === 0 || this.#sweepTimer) return;
    this.#sweepTimer = setInterval(() => this.wake(), this.#sweepIntervalMs);
    this.#sweepTimer.unref();
    this.#renewTimer = setInterval(
      () => {
        this.#store
          .renew(this.#owner, this.#leaseMs)
          .catch((error: unknown) => this.#log.debug('lease renewal failed', { error }));
      },
      Math.max(100, Math.floor(this.#leaseMs / 3)),
    );
    this.#renewTimer.unref();
    this.wake();
  }

  /** Looks for due executions now (after a wait was answered, or a parked timer is due). */
  wake(): void {
    if (this.#stopping.signal.aborted) return;
    if (this.#sweeping) {
      this.#again = true;
      return;
    }
    this.#sweeping = this.#sweep()
      .catch((error: unknown) => {
        const dependency = dependencyOf(error);
        if (dependency && this.#deps.gate) this.#deps.gate.markDown(dependency, error);
        else this.#log.warn('durable sweep failed; the next one retries', { error });
      })
      .finally(() => {
        this.#sweeping = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  /** Arms a timer so an execution parked here resumes on time (the sweep is the fallback). */
  schedule(_ref: ExecutionRef, wakeAt: Date | null): void {
    if (wakeAt === null || this.#stopping.signal.aborted) return;
    const at = wakeAt.getTime();
    if (this.#wakeTimer && this.#wakeTimer.at <= at) return;
    if (this.#wakeTimer) clearTimeout(this.#wakeTimer.timer);
    const timer = setTimeout(
      () => {
        this.#wakeTimer = undefined;
        this.wake();
      },
      Math.min(MAX_TIMER_MS, Math.max(0, at - Date.now()) + 5),
    );
    timer.unref();
    this.#wakeTimer = { at, timer };
  }

  /**
   * Stops sweeping; running executions stop before their next step (their leases are released so
   * another replica resumes them) and are waited for up to `timeoutMs`.
   */
  async stop(timeoutMs = 25_000): Promise<void> {
    this.#stopping.abort(new Error('resumer stopping'));
    clearInterval(this.#sweepTimer);
    clearInterval(this.#renewTimer);
    if (this.#wakeTimer) clearTimeout(this.#wakeTimer.timer);
    await this.#sweeping;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#running]),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  async #sweep(): Promise<void> {
    const free = this.#concurrency - this.#running.size;
    // While the database is down there is nothing to read; the gate says when it is back.
    if (free <= 0 || this.#deps.gate?.isUp('sql') === false) return;
    const due = await this.#store.due({
      functions: [...this.#byName.keys()],
      owner: this.#owner,
      leaseMs: this.#leaseMs,
      limit: free,
    });
    for (const execution of due) {
      const run = this.#resume(execution).finally(() => {
        this.#running.delete(run);
        // A slot is free: there may be more due executions waiting.
        if (due.length >= free) this.wake();
      });
      this.#running.add(run);
    }
  }

  async #resume(execution: ResumableExecution): Promise<void> {
    const fn = this.#byName.get(execution.functionName);
    if (!fn) return;
    const envelope = restoreEnvelope(execution.envelope, execution.attempt);
    const ref: ExecutionRef = { functionName: execution.functionName, key: execution.key };
    const stopping = this.#stopping.signal;
    const deps: InvokeDeps = {
      ...this.#deps,
      shouldYield: () => stopping.aborted,
      durable: this.#deps.durable ? { ...this.#deps.durable, onParked: (r, at) => this.schedule(r, at) } : undefined,
    };
    try {
      const outcome = await invoke(fn, envelope, deps);
      if (outcome.status === 'done') return;
      if (outcome.status === 'retry') {
        // Paused work keeps its attempt; a failed attempt moves on. Either way it waits parked.
        const next = outcome.paused ? execution.attempt : execution.attempt + 1;
        if (outcome.paused && outcome.paused !== 'held')
          this.#deps.gate?.markDown(outcome.paused, outcome.failure.message);
        const wakeAt = new Date(Date.now() + outcome.delayMs);
        await this.#store.park(ref, this.#owner, {
          wakeAt,
          waitingFor: null,
          attempt: next,
          error: outcome.failure.message,
        });
        this.schedule(ref, wakeAt);
        return;
      }
      const letter = deadLetterMessage(fn, envelope, outcome.reason, outcome.failure, { attempts: execution.attempt });
      try {
        await this.#deadLetter(letter);
        this.#log.warn('resumed execution dead-lettered', {
          function: fn.name,
          execution: execution.key,
          reason: outcome.reason,
        });
      } catch (error) {
        // Nothing is lost: the execution runs (and dead-letters) again once the broker answers.
        const wakeAt = new Date(Date.now() + backoffDelay(fn.retry, execution.attempt));
        await this.#store.reopen(ref, wakeAt);
        this.#log.warn('dead letter could not be published; the execution will run again', {
          function: fn.name,
          error,
        });
      }
    } catch (error) {
      // Outside the handler (a hook, the store): the lease expires and any replica picks it up again.
      this.#log.warn('resuming a durable execution failed', { function: fn.name, execution: execution.key, error });
    }
  }
}
