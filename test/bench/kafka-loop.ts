import { Kafka, logLevel, Partitioners } from 'kafkajs';

/**
 * The baseline: a plain kafkajs consume-then-produce loop (eachBatch, one send per batch, commit after
 * the send), i.e. what a hand-written service does with no ledger, outbox or retries.
 * Resolves with the seconds it took to forward `count` records from `from` to `to`.
 */
export async function rawForwardLoop(brokers: string[], from: string, to: string, count: number): Promise<number> {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
  const consumer = kafka.consumer({ groupId: `bench-raw-${from}` });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic: from, fromBeginning: true });
  let forwarded = 0;
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        partitionsConsumedConcurrently: 4,
        eachBatch: async ({ batch }) => {
          await producer.send({
            topic: to,
            messages: batch.messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
          });
          await consumer.commitOffsets([
            { topic: batch.topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) },
          ]);
          forwarded += batch.messages.length;
          if (forwarded >= count) resolve();
        },
      })
      .catch(reject);
  });
  const seconds = (performance.now() - started) / 1000;
  await consumer.disconnect();
  await producer.disconnect();
  return seconds;
}
