import { invokeMany } from '../../core/invoke-many.ts';
import type { Outcome } from '../../core/index.ts';
import type { Indexed } from './key-groups.ts';
import {
  deliverRecord,
  envelopeOf,
  notifyOutcome,
  publishDeadLetter,
  type RecordDeliveryOptions,
} from './record-delivery.ts';
import type { PartitionBatch, TransportRecord } from './transport.ts';

/** Fast-path runs of one chunk: each handler failure takes its key out and the rest runs again. */
const ROUNDS = 3;

/**
 * Delivers a chunk of consecutive records on the fast path (one optimistic transaction for all of
 * them), then publishes the dead letters of bad input. When a handler fails, that run was its event's
 * attempt: the event's key leaves the fast path (its records are delivered one by one and in order,
 * the failed one retried after its backoff) and the others run again (their handlers run twice; only
 * the committed run counts). Marks `done[index]` for each
 * record delivered; true when all are, false when some are left for the careful path (the chunk could
 * not take the fast path, or a drain stopped it).
 */
export async function deliverFast(
  options: RecordDeliveryOptions,
  batch: PartitionBatch,
  chunk: readonly Indexed<TransportRecord>[],
  done: boolean[],
): Promise<boolean> {
  let pending = chunk;
  const slow: { entry: Indexed<TransportRecord>; failed?: Outcome }[] = [];
  for (let round = 0; round < ROUNDS && pending.length > 0; round += 1) {
    const envelopes = pending.map(({ item }) => envelopeOf(batch, item));
    const result = await invokeMany(options.fn, envelopes, { ...options.deps, signal: options.halt });
    if (!result) break;
    if ('outcomes' in result) {
      for (const [i, outcome] of result.outcomes.entries()) {
        await settle(options, batch, pending[i] as Indexed<TransportRecord>, outcome, done);
      }
      pending = [];
      break;
    }
    // The first failure's run was its attempt, and a dead letter is final; a retry beside the first
    // may only have met the aborted transaction, so it runs again at once.
    const failedAt = new Map<Indexed<TransportRecord>, Outcome>();
    for (const [n, { index, outcome }] of result.failed.entries()) {
      if (n === 0 || outcome.status === 'dead-letter')
        failedAt.set(pending[index] as Indexed<TransportRecord>, outcome);
    }
    const keys = new Set(result.failed.map(({ index }) => (pending[index] as Indexed<TransportRecord>).item.key));
    for (const entry of pending) {
      if (!keys.has(entry.item.key)) continue;
      const failed = failedAt.get(entry);
      slow.push(failed ? { entry, failed } : { entry });
    }
    pending = pending.filter((entry) => !keys.has(entry.item.key));
  }
  for (const { entry, failed } of slow) {
    if (options.drain.aborted || batch.isStale()) return false;
    if (failed?.status === 'dead-letter') {
      await settle(options, batch, entry, failed, done);
      continue;
    }
    const prior =
      failed?.status === 'retry'
        ? { delayMs: failed.delayMs, failure: failed.failure, ...(failed.paused ? { paused: true } : {}) }
        : undefined;
    if (!(await deliverRecord(options, batch, entry.item, prior))) return false;
    done[entry.index] = true;
  }
  return pending.length === 0;
}

/** Records a fast-path outcome: a dead letter is published first; the record is done. */
async function settle(
  options: RecordDeliveryOptions,
  batch: PartitionBatch,
  entry: Indexed<TransportRecord>,
  outcome: Outcome,
  done: boolean[],
): Promise<void> {
  const envelope = envelopeOf(batch, entry.item);
  if (outcome.status === 'dead-letter') {
    const delivery = { attempts: 1, firstFailureAt: outcome.failure.at, lastFailureAt: outcome.failure.at };
    await publishDeadLetter(options, envelope, outcome.reason, outcome.failure, delivery);
    notifyOutcome(options, envelope, { outcome, ...delivery });
  } else {
    notifyOutcome(options, envelope, { outcome, attempts: 1 });
  }
  done[entry.index] = true;
}
