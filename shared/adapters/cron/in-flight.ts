import type { Logger } from '../../core/ports.ts';

/** The scheduler's background work (runs, backlogs, sweeps), so stop() can wait for it. */
export class InFlight {
  readonly #tasks = new Set<Promise<void>>();
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Tasks not yet settled. */
  get size(): number {
    return this.#tasks.size;
  }

  /**
   * Tracks `work` until it settles; a rejection is logged, never unhandled.
   * @example inFlight.track(runTick())
   */
  track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.#log.error('cron task failed', { error }));
    this.#tasks.add(tracked);
    void tracked.finally(() => this.#tasks.delete(tracked));
  }

  /**
   * Waits until nothing is in flight (work tracked meanwhile included); false when `timeoutMs` ran out first.
   * @example if (!(await inFlight.drain(30_000))) abort()
   */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.#tasks.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, left)));
      await Promise.race([Promise.allSettled([...this.#tasks]), timeout]);
      clearTimeout(timer);
    }
    return true;
  }
}
