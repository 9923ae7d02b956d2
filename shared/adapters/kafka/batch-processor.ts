import { deadLetterMessage } from '../../core/dead-letter.ts';
import type { AnyFunction } from '../../core/define.ts';
import { deliver, type Delivery } from '../../core/deliver.ts';
import type { Envelope } from '../../core/envelope.ts';
import type { InvokeDeps } from '../../core/invoke.ts';
import type { Logger } from '../../core/ports.ts';
import { heartbeatingWait } from './heartbeat-wait.ts';
import { completedPrefix, groupByKey, runBounded } from './key-groups.ts';
import type { PartitionBatch, TransportConsumer, TransportProducer, TransportRecord } from './transport.ts';

/** Called once an event's outcome is durable: its effects committed, or its dead letter acknowledged. */
export type OutcomeListener = (fn: AnyFunction, envelope: Envelope, delivery: Delivery) => void;

/** What a batch processor needs from its consumer. */
export interface BatchProcessorOptions {
  fn: AnyFunction;
  deps: Omit<InvokeDeps, 'signal'>;
  consumer: Pick<TransportConsumer, 'commit'>;
  producer: TransportProducer;
  log: Logger;
  /** Aborted when draining: no new record starts, retry waits end (the event is abandoned, not committed). */
  drain: AbortSignal;
  /** Aborted when a drain runs out of time: in-flight handlers see their ctx.signal abort. */
  halt: AbortSignal;
  heartbeatSliceMs: number;
  onOutcome?: OutcomeListener;
}

/**
 * Builds the handler of one partition batch: keys run concurrently (at most fn.keyConcurrency), the
 * records of one key strictly in offset order; then the offset after the highest contiguous completed
 * record is committed. Throws (after committing the completed prefix) when a dead letter cannot be
 * published, so the rest of the batch is delivered again.
 * @example await consumer.run(batchProcessor({ fn, deps, consumer, producer, log, drain, halt, heartbeatSliceMs: 1_000 }))
 */
export function batchProcessor(options: BatchProcessorOptions): (batch: PartitionBatch) => Promise<void> {
  const { fn, consumer, drain, log } = options;
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
      await runBounded(
        groupByKey(records, (r) => r.key),
        fn.keyConcurrency,
        async (group) => {
          for (const { index, item } of group) {
            if (drain.aborted || batch.isStale()) return;
            if (!(await processRecord(options, batch, item))) return;
            done[index] = true;
          }
        },
      );
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

/** Delivers one record; true once its outcome is durable, false when abandoned by a drain. */
async function processRecord(
  options: BatchProcessorOptions,
  batch: PartitionBatch,
  record: TransportRecord,
): Promise<boolean> {
  const { fn, drain, halt, log } = options;
  const envelope: Envelope = {
    body: record.value,
    key: record.key,
    headers: record.headers,
    source: { kind: 'kafka', topic: batch.topic, partition: batch.partition, offset: record.offset },
    attempt: 1,
  };
  // Per record, so a drain ends only this record's retry wait and leaves running handlers alone.
  const controller = new AbortController();
  const onHalt = (): void => controller.abort(halt.reason);
  if (halt.aborted) onHalt();
  else halt.addEventListener('abort', onHalt, { once: true });
  const pause = heartbeatingWait(() => batch.heartbeat(), options.heartbeatSliceMs, log);
  const wait = async (ms: number): Promise<void> => {
    await pause(ms, drain);
    if (drain.aborted) controller.abort(drain.reason);
  };
  try {
    const delivery = await deliver(fn, envelope, { ...options.deps, signal: controller.signal }, wait);
    const outcome = delivery.outcome;
    if (outcome.status === 'dead-letter') {
      const coordinates = { partition: batch.partition, offset: record.offset, reason: outcome.reason };
      try {
        await options.producer.send([deadLetterMessage(fn, envelope, outcome.reason, outcome.failure, delivery)]);
      } catch (error) {
        log.error('dead letter could not be published; the batch will be delivered again', { ...coordinates, error });
        throw error;
      }
      log.warn('event dead-lettered', {
        ...coordinates,
        attempts: delivery.attempts,
        errorClass: outcome.failure.errorClass,
      });
    } else if (outcome.status !== 'done') {
      // 'abandoned' (drain during a retry wait); deliver never returns 'retry'.
      return false;
    }
    notify(options, envelope, delivery);
    return true;
  } finally {
    halt.removeEventListener('abort', onHalt);
  }
}

function notify(options: BatchProcessorOptions, envelope: Envelope, delivery: Delivery): void {
  try {
    options.onOutcome?.(options.fn, envelope, delivery);
  } catch (error) {
    // Metrics must never break delivery.
    options.log.warn('onOutcome listener threw', { error });
  }
}
