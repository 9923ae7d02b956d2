import { NonRetriableError } from '../errors.ts';
import type { Logger } from '../ports.ts';
import { Cancelled, Superseded, Yielded, type ExecutionInterrupt } from './interrupts.ts';
import type { DurableStore, ExecutionRef, JournalEntry, RecordResult } from './types.ts';

/** What one run of a durable execution needs from its host. */
export interface ExecutionDeps {
  store: DurableStore;
  owner: string;
  log: Logger;
  /** True when this process should stop before the next step (draining, partition lost). */
  shouldYield?: () => boolean;
  /** Aborted when the host stops hard; steps see it. */
  signal?: AbortSignal;
}

/**
 * The state of one run of a durable execution: the journal loaded at claim time, the step ids used so
 * far, the steps in flight, and why it stopped (if it did). Shared by every ctx call of the run.
 */
export class Execution {
  readonly ref: ExecutionRef;
  readonly deps: ExecutionDeps;
  readonly #journal: Map<string, JournalEntry>;
  readonly #seen = new Set<string>();
  readonly #inFlight = new Set<Promise<unknown>>();
  #interrupt: ExecutionInterrupt | undefined;
  #cancelRequested: boolean;

  constructor(ref: ExecutionRef, deps: ExecutionDeps, journal: readonly JournalEntry[], cancelRequested: boolean) {
    this.ref = ref;
    this.deps = deps;
    this.#journal = new Map(journal.map((entry) => [entry.stepId, entry]));
    this.#cancelRequested = cancelRequested;
  }

  /** Why the run stopped early, if it did (kept even when the handler swallowed the interrupt). */
  get interrupt(): ExecutionInterrupt | undefined {
    return this.#interrupt;
  }

  /**
   * Claims a step id for this run; a second use is the author's bug and fails the event for good.
   * Returns the journaled entry when the step already ran.
   */
  begin(stepId: string, what: string): JournalEntry | undefined {
    if (!isStepId(stepId)) {
      throw new NonRetriableError(
        `${what}: step id must be a non-empty string of at most 200 characters without surrounding spaces, e.g. "fetch-profile" or \`model:\${step}\`; got ${JSON.stringify(stepId)}`,
      );
    }
    if (this.#seen.has(stepId)) {
      throw new NonRetriableError(
        `${what}: step id "${stepId}" is used twice in one execution of "${this.ref.functionName}"; step ids must be unique and deterministic, e.g. \`tool:\${step}:\${index}\``,
      );
    }
    this.#seen.add(stepId);
    return this.#journal.get(stepId);
  }

  /** Stops here if the run must not start another step (interrupted, cancelled, yielding). */
  boundary(): void {
    if (this.#interrupt) throw this.#interrupt;
    if (this.#cancelRequested) throw this.stop(new Cancelled());
    if (this.deps.shouldYield?.() || this.deps.signal?.aborted) throw this.stop(new Yielded());
  }

  /** Records why the run stops; the first reason wins. Returns it so callers can `throw`. */
  stop(interrupt: ExecutionInterrupt): ExecutionInterrupt {
    this.#interrupt ??= interrupt;
    return this.#interrupt;
  }

  /** Applies what a journal write reported: a takeover stops the run, a cancel stops it at the next step. */
  absorb(result: RecordResult): JournalEntry {
    if (!result.owned) throw this.stop(new Superseded());
    if (result.cancelRequested) this.#cancelRequested = true;
    this.#journal.set(result.entry.stepId, result.entry);
    return result.entry;
  }

  /** Tracks a step while it runs, so the run never parks or completes with one still in flight. */
  track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    void work.then(
      () => this.#inFlight.delete(work),
      () => this.#inFlight.delete(work),
    );
    return work;
  }

  /** Waits for every step still running (concurrent steps whose sibling failed or parked). */
  async settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }
}

/**
 * A step's value as the journal keeps it: JSON, so the first run and every replay return the same shape.
 * @example jsonValue('load', new Date(0)) // "1970-01-01T00:00:00.000Z"
 */
export function jsonValue(stepId: string, value: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new NonRetriableError(
      `step "${stepId}" returned a value that is not JSON-serializable: ${(error as Error).message}`,
    );
  }
  return text === undefined ? null : (JSON.parse(text) as unknown);
}

/** A non-empty id of at most 200 characters, without surrounding spaces or NUL. */
function isStepId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= 200 && id.trim() === id && !id.includes('\u0000');
}
