import { deliverChunk } from './chunk-delivery.ts';
import { completedPrefix, groupByKey, runBounded, type Indexed } from './key-groups.ts';
import { deliverRecord, type OutcomeListener, type RecordDeliveryOptions } from './record-delivery.ts';
import type { PartitionBatch, TransportConsumer, TransportRecord } from './transport.ts';

export type { OutcomeListener };

/** What a batch processor needs from its consumer. */
export interface BatchProcessorOptions extends RecordDeliveryOptions {
  consumer: Pick<TransportConsumer, 'commit'>;
}

/**
 * Builds the handler of one partition batch. Records are split into lanes by key (at most
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
      const lanes = intoLanes(
        groupByKey(records, (r) => r.key),
        fn.keyConcurrency,
      );
      await runBounded(lanes, fn.keyConcurrency, async (lane) => {
        for (let i = 0; i < lane.length;) {
          if (drain.aborted || batch.isStale()) return;
          if (grouped) {
            const chunk = lane.slice(i, i + fn.batchSize);
            if (!(await deliverChunk(options, batch, chunk, done))) return;
            i += chunk.length;
          } else {
            const { index, item } = lane[i] as Indexed<TransportRecord>;
            if (!(await deliverRecord(options, batch, item))) return;
            done[index] = true;
            i += 1;
          }
        }
      });
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
 * Spreads key groups over at most `count` lanes (round robin) and merges each lane back into offset
 * order, which keeps every key's records in order within its lane.
 */
function intoLanes<T>(groups: readonly Indexed<T>[][], count: number): Indexed<T>[][] {
  const lanes: Indexed<T>[][] = Array.from({ length: Math.max(1, Math.min(count, groups.length)) }, () => []);
  groups.forEach((group, i) => lanes[i % lanes.length]?.push(...group));
  for (const lane of lanes) lane.sort((a, b) => a.index - b.index);
  return lanes;
}
