import { randomUUID } from 'node:crypto';
import type { KafkaTransport } from '../../shared/adapters/kafka/index.ts';

/**
 * Consumes an output topic and records produce-to-consume latency from each event's `sentAt`, and when
 * the first and the last records arrived.
 */
export async function latencyProbe(transport: KafkaTransport, topic: string) {
  const consumer = await transport.consumer({
    groupId: `bench-probe-${randomUUID()}`,
    topics: [topic],
    fromBeginning: true,
    partitionsConcurrently: 4,
  });
  let samples: number[] = [];
  const seen = new Set<number>();
  let firstAt = 0;
  let lastAt = 0;
  void consumer.run(async (batch) => {
    const now = Date.now();
    if (firstAt === 0) firstAt = performance.now();
    lastAt = performance.now();
    for (const record of batch.records) {
      const event = JSON.parse(record.value?.toString('utf8') ?? '{}') as { seq: number; sentAt: number };
      if (seen.has(event.seq)) continue;
      seen.add(event.seq);
      samples.push(now - event.sentAt);
    }
    // The transport only advances its position on commit.
    const last = batch.records.at(-1);
    if (last) await consumer.commit(batch.topic, batch.partition, (BigInt(last.offset) + 1n).toString());
  });
  return {
    count: () => samples.length,
    /** Seconds between the first and the last batch seen. */
    span: () => (lastAt - firstAt) / 1000,
    reset: () => {
      samples = [];
      firstAt = 0;
      lastAt = 0;
    },
    percentiles: () => {
      const sorted = [...samples].sort((a, b) => a - b);
      const at = (q: number): number =>
        sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
      return { p50: at(0.5), p99: at(0.99) };
    },
    stop: () => consumer.stop(),
  };
}
