/**
 * The raw baseline, run as its own process by the bench: a hand-written kafkajs consume-then-produce
 * loop (eachBatch, sends of at most 1,000 records so no request outgrows the broker's limit, commit
 * after the sends). BENCH_FROM, BENCH_TO and BENCH_GROUP say where; it runs until SIGTERM.
 */
import { Kafka, logLevel, Partitioners } from 'kafkajs';

const brokers = (process.env['KAFKA_BROKERS'] ?? 'localhost:9092').split(',');
const from = process.env['BENCH_FROM'] as string;
const to = process.env['BENCH_TO'] as string;
const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
const consumer = kafka.consumer({ groupId: process.env['BENCH_GROUP'] ?? `bench-raw-${from}` });
await Promise.all([producer.connect(), consumer.connect()]);
await consumer.subscribe({ topic: from, fromBeginning: true });
await consumer.run({
  autoCommit: false,
  partitionsConsumedConcurrently: 4,
  eachBatch: async ({ batch }) => {
    for (let i = 0; i < batch.messages.length; i += 1_000) {
      await producer.send({
        topic: to,
        messages: batch.messages.slice(i, i + 1_000).map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      });
    }
    await consumer.commitOffsets([
      { topic: batch.topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) },
    ]);
  },
});
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void Promise.all([consumer.disconnect(), producer.disconnect()]).finally(() => process.exit(0));
});
