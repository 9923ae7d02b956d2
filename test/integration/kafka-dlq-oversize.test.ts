import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startFunctionConsumer, type FunctionConsumer } from '../../shared/adapters/kafka/index.ts';
import { DLQ_BODY_OMITTED } from '../../shared/adapters/kafka/record-delivery.ts';
import { migrate, PgEffectStore, type PgSqlStore } from '../../shared/adapters/sql/index.ts';
import { defineFunction, DLQ_HEADERS, kafka } from '../../shared/core/index.ts';
import {
  cleanupKafka,
  createTopics,
  produce,
  readAllRecords,
  testKafkaTransport,
  testLog,
  uniqueName,
  waitUntil,
} from '../support/kafka.ts';
import { localKvStore } from '../support/local-kv.ts';
import { testSqlStore } from '../support/pg.ts';

/**
 * An event just under the broker's message limit that fails validation makes a dead letter over the
 * limit (its body plus the reason headers). The broker refuses it; the consumer must not block its
 * partition forever, so it publishes the letter without the body and moves on.
 */
describe('Kafka dead letters near the broker size limit', () => {
  const transport = testKafkaTransport();
  const topic = uniqueName('kd-big');
  const fnName = uniqueName('kd-big-worker');
  const dlq = `${fnName}.dlq`;
  let store: PgSqlStore;
  let cleanupSql: () => Promise<void>;
  let running: FunctionConsumer | undefined;
  const fn = defineFunction({
    name: fnName,
    trigger: kafka({ topic, schema: z.object({ id: z.string() }), maxBytes: 1_100_000 }),
    handler: async (event, { sql }) => {
      await sql.query('INSERT INTO kd_big (id) VALUES ($1)', [event.id]);
    },
  });

  beforeAll(async () => {
    ({ store, cleanup: cleanupSql } = await testSqlStore('kafka_dlq_big'));
    await migrate(store);
    await store.query('CREATE TABLE kd_big (id TEXT PRIMARY KEY)');
    await createTopics(transport, [topic, dlq], 1);
    const kv = localKvStore();
    running = await startFunctionConsumer(fn, {
      transport,
      deps: { effects: new PgEffectStore(store), database: store, kv, log: testLog },
    });
  });
  afterAll(async () => {
    await running?.stop(10_000);
    await cleanupKafka(transport, [topic, dlq], [`hearth.${fnName}`]);
    await cleanupSql();
  });

  it('publishes the letter without its body and keeps the partition flowing', async () => {
    // Schema-invalid (no id) and about 1,048,200 bytes: accepted by the broker (limit 1,048,588 per batch).
    const big = JSON.stringify({ padding: 'x'.repeat(1_048_180) });
    await produce(transport, [
      { topic, key: 'k', value: big, headers: {} },
      { topic, key: 'k', value: JSON.stringify({ id: 'after-the-big-one' }), headers: {} },
    ]);
    await waitUntil(
      'the event after the big one is processed',
      async () => (await store.query('SELECT 1 FROM kd_big')).rowCount === 1,
      60_000,
    );
    const letters = await readAllRecords(transport, dlq);
    expect(letters).toHaveLength(1);
    const letter = letters[0];
    expect(letter?.headers[DLQ_BODY_OMITTED]).toBe('true');
    expect(letter?.headers[DLQ_HEADERS.reason]).toBe('schema-invalid');
    expect(letter?.headers[DLQ_HEADERS.sourceTopic]).toBe(topic);
    expect(letter?.headers[DLQ_HEADERS.sourceOffset]).toBe('0');
    expect(letter?.value?.length ?? 0).toBe(0);
  });
});
