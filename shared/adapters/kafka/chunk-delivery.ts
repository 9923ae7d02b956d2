import { invokeBatch } from '../../core/invoke-batch.ts';
import type { Indexed } from './key-groups.ts';
import {
  deliverRecord,
  envelopeOf,
  notifyOutcome,
  publishDeadLetter,
  type PriorFailure,
  type RecordDeliveryOptions,
} from './record-delivery.ts';
import type { PartitionBatch, TransportRecord } from './transport.ts';

/**
 * Delivers records of one lane (in offset order per key) as a group commit: one transaction for the
 * chunk, then dead letters, then the events that must be retried and the later events of their keys,
 * one by one and in order. Marks `done[index]` for every record whose outcome is durable. Returns false
 * when a drain abandoned a record: the lane must stop so no later event of that key overtakes it.
 */
export async function deliverChunk(
  options: RecordDeliveryOptions,
  batch: PartitionBatch,
  chunk: readonly Indexed<TransportRecord>[],
  done: boolean[],
): Promise<boolean> {
  const envelopes = chunk.map(({ item }) => envelopeOf(batch, item));
  const deps = { ...options.deps, signal: options.halt };
  const outcomes = await invokeBatch(options.fn, envelopes, deps);
  if (!outcomes) {
    for (const { index, item } of chunk) {
      if (!(await deliverRecord(options, batch, item))) return false;
      done[index] = true;
    }
    return true;
  }
  const later: { entry: Indexed<TransportRecord>; prior?: PriorFailure }[] = [];
  for (const [i, outcome] of outcomes.entries()) {
    const entry = chunk[i] as Indexed<TransportRecord>;
    const envelope = envelopes[i] as (typeof envelopes)[number];
    if (outcome.status === 'done') {
      done[entry.index] = true;
      notifyOutcome(options, envelope, { outcome, attempts: 1 });
    } else if (outcome.status === 'dead-letter') {
      const delivery = { attempts: 1, firstFailureAt: outcome.failure.at, lastFailureAt: outcome.failure.at };
      await publishDeadLetter(options, envelope, outcome.reason, outcome.failure, delivery);
      done[entry.index] = true;
      notifyOutcome(options, envelope, { outcome, ...delivery });
    } else if (outcome.status === 'retry') {
      later.push({
        entry,
        prior: { delayMs: outcome.delayMs, failure: outcome.failure, ...(outcome.paused ? { paused: true } : {}) },
      });
    } else {
      later.push({ entry });
    }
  }
  for (const { entry, prior } of later) {
    if (options.drain.aborted || batch.isStale()) return false;
    if (!(await deliverRecord(options, batch, entry.item, prior))) return false;
    done[entry.index] = true;
  }
  return true;
}
