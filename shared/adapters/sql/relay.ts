import { backoffDelay, dependencyOf, jsonLogger } from '../../core/index.ts';
import type { DependencyGate, Logger, OutgoingMessage, Publisher, SqlStore } from '../../core/index.ts';
import { claimOutbox, deleteOutbox, failOutbox, insertOutbox, releaseOutbox, type OutboxRow } from './outbox.ts';
import { claimOutboxBatches, deleteOutboxBatches, type OutboxBatch } from './outbox-batches.ts';

/** With this many batches waiting to be published, the next commit waits (back-pressure on consumers). */
const MAX_PENDING_BATCHES = 16;
/** Batches waiting together go out in one send (fewer, larger produce requests). */
const BATCHES_PER_SEND = 8;

export type { Publisher };

export interface OutboxRelayOptions {
  store: SqlStore;
  publisher: Publisher;
  log?: Logger;
  /** Where a broker outage is reported (the relay then waits for the probe instead of hammering). */
  gate?: DependencyGate;
  /** Rows claimed and published per round trip. Default 100. */
  batchSize?: number;
  /** How often to look for rows left behind (a crashed replica, a failed publish). Default 1 s. */
  sweepIntervalMs?: number;
  /** How long a claim keeps other relays off a batch. Default 30 s; publishing must finish well within it. */
  leaseMs?: number;
  /** Publish attempts of one row before it is parked as dead. Default 5 (about 15 s of backoff). */
  maxAttempts?: number;
}

const ROW_RETRY = { attempts: Number.MAX_SAFE_INTEGER, initialDelayMs: 1_000, maxDelayMs: 60_000 };

/**
 * Publishes the transactional outbox. Delivery is AT-LEAST-ONCE: a crash between publish and DELETE, or a
 * publish slower than the lease, publishes a row again. Consumers dedupe by the message's `ce_id`
 * through their ledger, so effects stay exactly-once. One relay publishes in (created_at, seq) order,
 * which keeps per-key order from one function; across replicas, or when an expired claim is re-sent,
 * order is not guaranteed. A row the broker refuses (unknown topic, oversize) is retried with backoff
 * and then parked as dead with its reason; it never holds up the rows behind it. A broker outage
 * publishes nothing and hands every row back.
 * @example const relay = new OutboxRelay({ store: sql, publisher }); relay.start(); relay.notify()
 */
export class OutboxRelay {
  readonly #store: SqlStore;
  readonly #publisher: Publisher;
  readonly #log: Logger;
  readonly #gate: DependencyGate | undefined;
  readonly #batchSize: number;
  readonly #sweepIntervalMs: number;
  readonly #leaseMs: number;
  readonly #maxAttempts: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #again = false;
  #stopped = false;
  /** Fast-path batches waiting to be published, oldest first, and the loop sending them. */
  readonly #queue: { batch: OutboxBatch; sent: () => void }[] = [];
  #sending: Promise<void> | undefined;
  /** Rows published since creation (a published-twice row counts twice). */
  published = 0;
  /** Rows parked as dead since creation. */
  parked = 0;

  constructor(options: OutboxRelayOptions) {
    this.#store = options.store;
    this.#publisher = options.publisher;
    this.#log = options.log ?? jsonLogger({ level: 'warn', base: { component: 'outbox-relay' } });
    this.#gate = options.gate;
    this.#batchSize = positive(options.batchSize ?? 100, 'batchSize');
    this.#sweepIntervalMs = positive(options.sweepIntervalMs ?? 1_000, 'sweepIntervalMs');
    this.#leaseMs = positive(options.leaseMs ?? 30_000, 'leaseMs');
    this.#maxAttempts = positive(options.maxAttempts ?? 5, 'maxAttempts');
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
    // While the broker or the database is down the gate's probe decides when to try again.
    if (this.#gate && (!this.#gate.isUp('kafka') || !this.#gate.isUp('sql'))) return;
    this.flush().catch((error: unknown) => {
      const dependency = dependencyOf(error);
      if (dependency && this.#gate) this.#gate.markDown(dependency, error);
      else this.#log.warn('outbox flush failed; the sweep retries', { error });
    });
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

  /**
   * Publishes a batch a fast-path commit just wrote, after the batches before it, then deletes its row.
   * Resolves at once, or, when too many batches wait, once the oldest of them went out (the committer
   * waits: back-pressure). Never rejects: a batch that fails stays in SQL and the sweep publishes it
   * once its claim expires.
   * @example effects = new PgEffectStore(sql, { onCommittedBatch: (b) => relay.publishBatch(b) })
   */
  publishBatch(batch: OutboxBatch): Promise<void> {
    let sent: () => void = () => undefined;
    const out = new Promise<void>((resolve) => (sent = resolve));
    this.#queue.push({ batch, sent });
    this.#sending ??= this.#sendQueued().finally(() => (this.#sending = undefined));
    return this.#queue.length > MAX_PENDING_BATCHES ? out : Promise.resolve();
  }

  /** Sends queued batches in order, those waiting together in one request, until the queue is empty. */
  async #sendQueued(): Promise<void> {
    while (this.#queue.length > 0) {
      const taken = this.#queue.splice(0, BATCHES_PER_SEND);
      try {
        await this.#sendBatches(taken.map((t) => t.batch));
      } catch (error) {
        const dependency = dependencyOf(error);
        if (dependency && this.#gate) this.#gate.markDown(dependency, error);
        else this.#log.warn('publishing an outbox batch failed; the sweep retries it', { error });
      } finally {
        for (const t of taken) t.sent();
      }
    }
  }

  /** Stops the sweep, waits for a running flush and flushes once more. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#sending;
    await this.#running?.catch(() => undefined);
    await this.flush().catch((error: unknown) =>
      this.#log.warn('final outbox flush failed; rows stay for the next replica', { error }),
    );
  }

  async #drain(): Promise<number> {
    let total = 0;
    do {
      this.#again = false;
      // Batches whose writer died before publishing them (their claim expired).
      for (;;) {
        const batches = await this.#store.transaction((tx) => claimOutboxBatches(tx, 10, this.#leaseMs));
        if (batches.length > 0) await this.#sendBatches(batches);
        total += batches.reduce((n, batch) => n + batch.messages.length, 0);
        if (batches.length < 10) break;
      }
      for (;;) {
        const rows = await this.#store.transaction((tx) => claimOutbox(tx, this.#batchSize, this.#leaseMs));
        if (rows.length === 0) break;
        total += await this.#publishClaimed(rows);
        if (rows.length < this.#batchSize) break;
      }
    } while (this.#again);
    return total;
  }

  /** Publishes a claimed batch; on a refusal, row by row so only the bad rows wait. Returns rows sent. */
  async #publishClaimed(rows: OutboxRow[]): Promise<number> {
    try {
      await this.#publisher.publish(rows.map(toMessage));
      this.published += rows.length;
      await this.#store.transaction((tx) =>
        deleteOutbox(
          tx,
          rows.map((row) => row.id),
        ),
      );
      return rows.length;
    } catch (error) {
      if (dependencyOf(error) === 'kafka') return this.#outage(rows, error);
    }
    const sent: string[] = [];
    for (const [index, row] of rows.entries()) {
      try {
        await this.#publisher.publish([toMessage(row)]);
        sent.push(row.id);
      } catch (error) {
        if (dependencyOf(error) === 'kafka') {
          await this.#deleteSent(sent);
          await this.#outage(rows.slice(index), error);
        }
        await this.#refused(row, error);
      }
    }
    await this.#deleteSent(sent);
    return sent.length;
  }

  /** Sends batches in one request and deletes their rows; if the broker refuses, batch by batch. */
  async #sendBatches(batches: readonly OutboxBatch[]): Promise<void> {
    if (batches.length === 1) return this.#sendBatch(batches[0] as OutboxBatch);
    try {
      await this.#publisher.publish(batches.flatMap((batch) => batch.messages));
    } catch (error) {
      if (dependencyOf(error) === 'kafka') throw error;
      for (const batch of batches) await this.#sendBatch(batch);
      return;
    }
    this.published += batches.reduce((n, batch) => n + batch.messages.length, 0);
    await deleteOutboxBatches(
      this.#store,
      batches.map((batch) => batch.id),
    );
  }

  /**
   * Sends one batch and deletes its row. A batch the broker refuses is turned into one outbox row per
   * message (in one transaction with the batch's deletion), so the bad ones are retried and parked alone.
   */
  async #sendBatch(batch: OutboxBatch): Promise<void> {
    try {
      await this.#publisher.publish(batch.messages);
    } catch (error) {
      if (dependencyOf(error) === 'kafka') throw error;
      this.#log.warn('outbox batch refused by the broker; publishing its messages one by one', { error });
      await this.#store.transaction(async (tx) => {
        await insertOutbox(tx, batch.messages);
        await deleteOutboxBatches(tx, [batch.id]);
      });
      this.notify();
      return;
    }
    this.published += batch.messages.length;
    await deleteOutboxBatches(this.#store, [batch.id]);
  }

  async #deleteSent(ids: string[]): Promise<void> {
    this.published += ids.length;
    if (ids.length > 0) await this.#store.transaction((tx) => deleteOutbox(tx, ids));
  }

  /** The broker is unreachable: hand the rows back now (some may have been sent: at-least-once). */
  async #outage(rows: OutboxRow[], error: unknown): Promise<never> {
    await this.#store
      .transaction((tx) =>
        releaseOutbox(
          tx,
          rows.map((row) => row.id),
        ),
      )
      .catch(() => undefined);
    this.#gate?.markDown('kafka', error);
    throw error;
  }

  async #refused(row: OutboxRow, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    const attempts = row.attempts + 1;
    const dead = await this.#store.transaction((tx) =>
      failOutbox(tx, row.id, reason, backoffDelay(ROW_RETRY, attempts), this.#maxAttempts),
    );
    const fields = { topic: row.topic, id: row.id, attempts, error: reason };
    if (dead) {
      this.parked += 1;
      this.#log.error('outbox row parked as dead after repeated publish failures', fields);
    } else this.#log.warn('outbox row refused by the broker; retrying it later', fields);
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
