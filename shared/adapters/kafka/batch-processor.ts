import { deliverChunk } from './chunk-delivery.ts';
import { deliverFast } from './fast-delivery.ts';
import { completedPrefix, groupByKey, runBounded, type Indexed } from './key-groups.ts';
import { deliverRecord, type OutcomeListener, type RecordDeliveryOptions } from './record-delivery.ts';
import type { PartitionBatch, TransportConsumer, TransportRecord } from './transport.ts';

export type { OutcomeListener };

/** What a batch processor needs from its consumer. */
export interface BatchProcessorOptions extends RecordDeliveryOptions {
  consumer: Pick<TransportConsumer, 'commit'>;
}

/**
 * Builds the handler of one partition batch. Short functions on a store with a fast path take the batch
 * in consecutive chunks of fn.batchSize, each in one optimistic transaction (see invokeMany); a chunk
 * that fails there, and everything else, is delivered the careful way: records split into lanes by key (at most
 * fn.keyConcurrency lanes run at once; all records of a key share a lane, in offset order). With group
 * commit (fn.batchSize > 1 and a store that supports it) a lane commits up to batchSize events per
 * transaction; otherwise each record is delivered on its own. Then the offset after the highest
 * contiguous completed record is committed. Throws (after committing the completed prefix) when a dead
 * letter cannot be published, so the rest of the batch is delivered again.
 * @example await consumer.run(batchProcessor({ fn, deps, consumer, producer, log, drain, halt, heartbeatSliceMs: 1_000 }))
 */
export function batchProcessor(options: BatchProcessorOptions): (batch: PartitionBatch) => Promise<void> {
  const { fn, consumer, drain, log } = options;
  // Durable functions run outside any transaction, so there is nothing to group.
  const grouped = fn.batchSize > 1 && !fn.durable && options.deps.effects.runBatch !== undefined;
  const fast = grouped && options.deps.effects.runMany !== undefined;
  return async (batch) => {
    const { records } = batch;
    if (records.length === 0 || drain.aborted) return;
    const done = records.map(() => false);
    // Handlers may run longer than a session timeout; keep the membership alive while they do.
    const keepAlive = setInterval(() => {
      batch.heartbeat().catch((error: unknown) => log.debug('heartbeat failed', { error }));
    }, options.heartbeatSliceMs);
    let failure: { error: unknown } | undefined;
    try {
      const indexed = records.map((item, index) => ({ index, item }));
      // The fast path takes consecutive chunks in offset order; a chunk it cannot take goes the careful
      // way (lanes of keys, savepoints), and the next chunk starts only once that one is done.
      const step = fast ? fn.batchSize : records.length;
      for (let start = 0; start < indexed.length; start += step) {
        if (drain.aborted || batch.isStale()) break;
        const chunk = indexed.slice(start, start + step);
        if (fast && (await deliverFast(options, batch, chunk, done))) continue;
        const left = chunk.filter((entry) => !done[entry.index]);
        if (!(await deliverLanes(options, batch, left, done, grouped))) break;
      }
    } catch (error) {
      failure = { error };
    } finally {
      clearInterval(keepAlive);
    }
    const completed = completedPrefix(done);
    const last = records[completed - 1];
    if (last) await consumer.commit(batch.topic, batch.partition, (BigInt(last.offset) + 1n).toString());
    if (failure) throw failure.error;
  };
}

/**
 * The careful path for some records of a batch: lanes of keys (at most fn.keyConcurrency at once, a
 * key's records in order), each committing group-commit chunks with a savepoint per event, or record
 * by record. False when a drain or a lost partition stopped it before every record was done.
 */
async function deliverLanes(
  options: BatchProcessorOptions,
  batch: PartitionBatch,
  records: readonly Indexed<TransportRecord>[],
  done: boolean[],
  grouped: boolean,
): Promise<boolean> {
  const { fn, drain } = options;
  const lanes = intoLanes(groupIndexed(records), fn.keyConcurrency);
  let complete = true;
  await runBounded(lanes, fn.keyConcurrency, async (lane) => {
    for (let i = 0; i < lane.length;) {
      if (drain.aborted || batch.isStale()) return void (complete = false);
      if (grouped) {
        const chunk = lane.slice(i, i + fn.batchSize);
        if (!(await deliverChunk(options, batch, chunk, done))) return void (complete = false);
        i += chunk.length;
      } else {
        const { index, item } = lane[i] as Indexed<TransportRecord>;
        if (!(await deliverRecord(options, batch, item))) return void (complete = false);
        done[index] = true;
        i += 1;
      }
    }
  });
  return complete;
}

/** Indexed records grouped by key in first-seen order, each group in offset order. */
function groupIndexed(records: readonly Indexed<TransportRecord>[]): Indexed<TransportRecord>[][] {
  return groupByKey(records, (r) => r.item.key).map((group) => group.map((g) => g.item));
}

/**
 * Spreads key groups over at most `count` lanes (round robin) and merges each lane back into offset
 * order, which keeps every key's records in order within its lane.
 */
function intoLanes<T>(groups: readonly Indexed<T>[][], count: number): Indexed<T>[][] {
  const lanes: Indexed<T>[][] = Array.from({ length: Math.max(1, Math.min(count, groups.length)) }, () => []);
  groups.forEach((group, i) => lanes[i % lanes.length]?.push(...group));
  for (const lane of lanes) lane.sort((a, b) => a.index - b.index);
  return lanes;
}
