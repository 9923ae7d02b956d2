import { ensureError } from '../../core/errors.ts';
import type { KafkaTransport, TransportRecord } from './transport.ts';

/** Options of {@link readToEnd}. */
export interface ReadToEndOptions {
  /** The group whose committed offsets mark what was read; reading commits as it goes. */
  groupId: string;
  /** Handles records below the end snapshot; returning false stops reading (after committing them). */
  handle(partition: number, records: readonly TransportRecord[]): boolean | void | Promise<boolean | void>;
  onProgress?: (progress: { done: number; total: number }) => void;
  /** Gives up with an error after this long. Default 120 s. */
  timeoutMs?: number;
}

/**
 * Reads `topic` from the group's committed position (or the beginning) up to the end offsets seen at the
 * start, committing after each handled batch. Returns how many records were handled.
 * @example await readToEnd(transport, 'orders.dlq', { groupId: 'hearth.replay.orders.dlq', handle })
 */
export async function readToEnd(transport: KafkaTransport, topic: string, options: ReadToEndOptions): Promise<number> {
  const admin = await transport.admin();
  const positions = await admin.groupLag(options.groupId, [topic]).finally(() => admin.disconnect());
  const ends = new Map(positions.filter((p) => p.lag > 0).map((p) => [p.partition, BigInt(p.end)]));
  const total = positions.reduce((sum, p) => sum + p.lag, 0);
  if (ends.size === 0) return 0;
  let done = 0;
  // Once finished (or failed) no batch is handled any more, even if kafkajs fetches one before stopping.
  let closed = false;
  let settle: (error?: unknown) => void = () => {};
  const finished = new Promise<void>(
    (resolve, reject) => (settle = (error) => (error === undefined ? resolve() : reject(ensureError(error)))),
  );
  // Handled here so a failure before `await finished` is not reported as an unhandled rejection.
  finished.catch(() => {});
  const finish = (error?: unknown): void => {
    closed = true;
    settle(error);
  };
  const consumer = await transport.consumer({ groupId: options.groupId, topics: [topic], fromBeginning: true });
  const timer = setTimeout(
    () => finish(new Error(`reading ${topic} to its end took longer than ${options.timeoutMs ?? 120_000} ms`)),
    options.timeoutMs ?? 120_000,
  );
  try {
    await consumer.run(async (batch) => {
      const end = ends.get(batch.partition);
      if (closed || end === undefined) return;
      const records = batch.records.filter((r) => BigInt(r.offset) < end);
      const last = records.at(-1);
      if (!last) return;
      const next = BigInt(last.offset) + 1n;
      let more: boolean | void;
      try {
        more = await options.handle(batch.partition, records);
        await consumer.commit(topic, batch.partition, next.toString());
      } catch (error) {
        return finish(error);
      }
      done += records.length;
      options.onProgress?.({ done, total });
      if (next >= end) ends.delete(batch.partition);
      if (ends.size === 0 || more === false) finish();
    });
    await finished;
  } finally {
    clearTimeout(timer);
    await consumer.stop();
  }
  return done;
}
