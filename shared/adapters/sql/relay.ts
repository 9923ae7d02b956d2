import { jsonLogger } from '../../core/index.ts';
import type { Logger, OutgoingMessage, SqlStore } from '../../core/index.ts';
import { claimOutbox, deleteOutbox, releaseOutbox, type OutboxRow } from './outbox.ts';

/** Sends messages to the broker; implemented by the Kafka adapter. Resolves once all are acknowledged. */
export interface Publisher {
  publish(messages: OutgoingMessage[]): Promise<void>;
}

export interface OutboxRelayOptions {
  store: SqlStore;
  publisher: Publisher;
  log?: Logger;
  /** Rows claimed and published per round trip. Default 100. */
  batchSize?: number;
  /** How often to look for rows left behind (a crashed replica, a failed publish). Default 1 s. */
  sweepIntervalMs?: number;
  /** How long a claim keeps other relays off a batch. Default 30 s; publishing must finish well within it. */
  leaseMs?: number;
}

/**
 * Publishes the transactional outbox. Delivery is AT-LEAST-ONCE: a crash between publish and DELETE, or a
 * publish slower than the lease, publishes a row again. Consumers dedupe by the message's `ce_id`
 * through their ledger, so effects stay exactly-once. One relay publishes in (created_at, seq) order,
 * which keeps per-key order from one function; across replicas, or when an expired claim is re-sent,
 * order is not guaranteed.
 * @example const relay = new OutboxRelay({ store: sql, publisher }); relay.start(); relay.notify()
 */
export class OutboxRelay {
  readonly #store: SqlStore;
  readonly #publisher: Publisher;
  readonly #log: Logger;
  readonly #batchSize: number;
  readonly #sweepIntervalMs: number;
  readonly #leaseMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #again = false;
  #stopped = false;
  /** Rows published since creation (a published-twice row counts twice). */
  published = 0;

  constructor(options: OutboxRelayOptions) {
    this.#store = options.store;
    this.#publisher = options.publisher;
    this.#log = options.log ?? jsonLogger({ level: 'warn', base: { component: 'outbox-relay' } });
    this.#batchSize = positive(options.batchSize ?? 100, 'batchSize');
    this.#sweepIntervalMs = positive(options.sweepIntervalMs ?? 1_000, 'sweepIntervalMs');
    this.#leaseMs = positive(options.leaseMs ?? 30_000, 'leaseMs');
  }

  /** Starts the periodic sweep. */
  start(): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = setInterval(() => this.notify(), this.#sweepIntervalMs);
    // The host's consumers keep the process alive; the sweep alone should not.
    this.#timer.unref();
  }

  /** Asks for a flush soon (after a commit queued messages); never throws, failures are logged. */
  notify(): void {
    if (this.#stopped) return;
    this.flush().catch((error: unknown) => this.#log.warn('outbox flush failed; the sweep retries', { error }));
  }

  /**
   * Publishes until the outbox has no claimable rows; resolves with the rows published. A call while a
   * flush runs joins it and makes it look again, so no notify is lost.
   */
  flush(): Promise<number> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#drain().finally(() => (this.#running = undefined));
    return this.#running;
  }

  /** Stops the sweep, waits for a running flush and flushes once more. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
    await this.flush().catch((error: unknown) =>
      this.#log.warn('final outbox flush failed; rows stay for the next replica', { error }),
    );
  }

  async #drain(): Promise<number> {
    let total = 0;
    do {
      this.#again = false;
      for (;;) {
        const rows = await this.#store.transaction((tx) => claimOutbox(tx, this.#batchSize, this.#leaseMs));
        if (rows.length === 0) break;
        await this.#publishClaimed(rows);
        total += rows.length;
        if (rows.length < this.#batchSize) break;
      }
    } while (this.#again);
    return total;
  }

  async #publishClaimed(rows: OutboxRow[]): Promise<void> {
    const ids = rows.map((row) => row.id);
    try {
      await this.#publisher.publish(rows.map(toMessage));
    } catch (error) {
      // Hand the rows back now rather than after the lease; some may have been sent (at-least-once).
      await this.#store.transaction((tx) => releaseOutbox(tx, ids)).catch(() => undefined);
      throw error;
    }
    this.published += rows.length;
    await this.#store.transaction((tx) => deleteOutbox(tx, ids));
  }
}

function toMessage(row: OutboxRow): OutgoingMessage {
  return { topic: row.topic, key: row.message_key, value: row.value, headers: row.headers };
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0)
    throw new TypeError(`OutboxRelay: ${name} must be a positive number, got ${value}`);
  return value;
}
