/**
 * A counting semaphore in front of the pool: work waits here, without a deadline, for one of the
 * pool's connections, so pg's connection timeout only ever measures reaching the database. Waiting for
 * a busy pool is then never mistaken for an outage.
 * @example const release = await limiter.acquire(); try { ... } finally { release() }
 */
export class Limiter {
  readonly #max: number;
  #active = 0;
  readonly #queue: (() => void)[] = [];

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new TypeError(`Limiter: max must be an integer >= 1, got ${max}`);
    this.#max = max;
  }

  /** Work waiting for a slot now. */
  get waiting(): number {
    return this.#queue.length;
  }

  async acquire(): Promise<() => void> {
    if (this.#active < this.#max) this.#active += 1;
    else await new Promise<void>((resolve) => this.#queue.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#queue.shift();
      if (next) next();
      else this.#active -= 1;
    };
  }
}
