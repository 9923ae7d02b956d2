import { sleep } from './backoff.ts';
import type { Dependency } from './errors.ts';
import type { Logger } from './ports.ts';

/** Checks one dependency; resolves when it answers. */
export type Probe = () => Promise<void>;

export interface DependencyGateOptions {
  probes: Partial<Record<Dependency, Probe>>;
  log: Logger;
  /** Told when a dependency goes down or comes back (metrics); more listeners via subscribe(). */
  onChange?: (dependency: Dependency, up: boolean) => void;
  /** Probe backoff: first delay and cap. Default 250 ms doubling to 5 s. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * What the runtime knows about its dependencies: a failure marks one down, a probe loop with capped
 * backoff brings it back up, and waiters resume then. Work that hits an outage waits here instead of
 * spending the event's attempts.
 * @example gate.markDown('sql', error); await gate.whenUp('sql', signal)
 */
export class DependencyGate {
  readonly #probes: Partial<Record<Dependency, Probe>>;
  readonly #log: Logger;
  readonly #listeners: ((dependency: Dependency, up: boolean) => void)[] = [];
  readonly #initialDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #down = new Map<Dependency, { since: Date; waiters: (() => void)[]; error: string }>();
  #closed = false;

  constructor(options: DependencyGateOptions) {
    this.#probes = options.probes;
    this.#log = options.log;
    if (options.onChange) this.#listeners.push(options.onChange);
    this.#initialDelayMs = options.initialDelayMs ?? 250;
    this.#maxDelayMs = options.maxDelayMs ?? 5_000;
  }

  /** True unless the dependency is known to be down. */
  isUp(dependency: Dependency): boolean {
    return !this.#down.has(dependency);
  }

  /** The dependencies down now, with when they went down and the last error. */
  downs(): { dependency: Dependency; since: Date; error: string }[] {
    return [...this.#down].map(([dependency, d]) => ({ dependency, since: d.since, error: d.error }));
  }

  /**
   * Records an outage and starts probing; a second call while down only refreshes the error.
   * @example gate.markDown('kv', error)
   */
  markDown(dependency: Dependency, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const known = this.#down.get(dependency);
    if (known) {
      known.error = message;
      return;
    }
    this.#down.set(dependency, { since: new Date(), waiters: [], error: message });
    this.#log.warn('dependency down; work that needs it is paused', { dependency, error: message });
    this.#notify(dependency, false);
    void this.#probe(dependency);
  }

  /**
   * Resolves once the dependency is up (at once when it is), or when `signal` aborts.
   * @example await gate.whenUp('sql', drainSignal)
   */
  whenUp(dependency: Dependency, signal?: AbortSignal): Promise<void> {
    const down = this.#down.get(dependency);
    if (!down || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      down.waiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /**
   * Adds a listener told when a dependency goes down or comes back (the host pauses its consumers).
   * @example gate.subscribe((dependency, up) => (up ? resume() : pause()))
   */
  subscribe(listener: (dependency: Dependency, up: boolean) => void): void {
    this.#listeners.push(listener);
  }

  /** Stops probing; waiters are released. */
  close(): void {
    this.#closed = true;
    for (const dependency of [...this.#down.keys()]) this.#up(dependency, false);
  }

  async #probe(dependency: Dependency): Promise<void> {
    const probe = this.#probes[dependency];
    for (let delay = this.#initialDelayMs; this.#down.has(dependency) && !this.#closed;) {
      await sleep(delay);
      if (!this.#down.has(dependency) || this.#closed) return;
      try {
        // Without a probe the next real attempt is the probe: let waiters try again after the delay.
        if (probe) await probe();
        this.#up(dependency, true);
        return;
      } catch (error) {
        const entry = this.#down.get(dependency);
        if (entry) entry.error = error instanceof Error ? error.message : String(error);
        delay = Math.min(this.#maxDelayMs, delay * 2);
      }
    }
  }

  #up(dependency: Dependency, log: boolean): void {
    const entry = this.#down.get(dependency);
    if (!entry) return;
    this.#down.delete(dependency);
    if (log)
      this.#log.info('dependency back; resuming paused work', {
        dependency,
        downMs: Date.now() - entry.since.getTime(),
      });
    for (const wake of entry.waiters) wake();
    this.#notify(dependency, true);
  }

  #notify(dependency: Dependency, up: boolean): void {
    for (const listener of this.#listeners) {
      try {
        listener(dependency, up);
      } catch (error) {
        this.#log.warn('dependency listener threw', { dependency, error });
      }
    }
  }
}
