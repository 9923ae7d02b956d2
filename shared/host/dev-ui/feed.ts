import type { InvokeHook } from '../../core/index.ts';
import { outcomeLabel } from '../metrics.ts';

/** One attempt of one function, as the dev UI's invocation stream shows it. */
export interface InvocationRecord {
  seq: number;
  at: string;
  function: string;
  trigger: string;
  eventId: string;
  attempt: number;
  /** done | duplicate | parked | cancelled | retry | paused | dead_letter */
  outcome: string;
  durationMs: number;
  /** The dead-letter reason, or the failure of a retried attempt. */
  detail?: string;
}

/**
 * The last invocations of this process, kept in memory (a ring of `capacity`) and pushed to listeners
 * as they end. Holds event ids and outcomes only, never payloads.
 * @example const feed = new InvocationFeed(); const stop = feed.subscribe((r) => send(r))
 */
export class InvocationFeed {
  readonly #capacity: number;
  readonly #items: InvocationRecord[] = [];
  readonly #listeners = new Set<(record: InvocationRecord) => void>();
  #seq = 0;

  constructor(capacity = 500) {
    this.#capacity = capacity;
  }

  push(record: Omit<InvocationRecord, 'seq'>): void {
    const full = { ...record, seq: (this.#seq += 1) };
    this.#items.push(full);
    if (this.#items.length > this.#capacity) this.#items.shift();
    for (const listener of this.#listeners) listener(full);
  }

  /** Newest last. */
  recent(limit = this.#capacity): InvocationRecord[] {
    return this.#items.slice(-limit);
  }

  subscribe(listener: (record: InvocationRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/**
 * An invoke hook that records every attempt in the feed.
 * @example deps.hooks = [...deps.hooks, feedHook(feed)]
 */
export function feedHook(feed: InvocationFeed): InvokeHook {
  return async (info, next) => {
    const started = performance.now();
    const outcome = await next();
    const detail =
      outcome.status === 'dead-letter'
        ? `${outcome.reason}: ${outcome.failure.errorClass}: ${outcome.failure.message}`
        : outcome.status === 'retry'
          ? `${outcome.failure.errorClass}: ${outcome.failure.message}`
          : undefined;
    feed.push({
      at: new Date().toISOString(),
      function: info.fn.name,
      trigger: info.fn.trigger.kind,
      eventId: info.eventId,
      attempt: info.envelope.attempt,
      outcome: outcomeLabel(outcome),
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...(detail ? { detail: detail.slice(0, 500) } : {}),
    });
    return outcome;
  };
}
