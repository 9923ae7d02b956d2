import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startFunctionConsumer, type FunctionConsumer } from '../../shared/adapters/kafka/index.ts';
import { migrate, PgEffectStore, type PgSqlStore } from '../../shared/adapters/sql/index.ts';
import { defineFunction, kafka, type Delivery, type OutgoingMessage } from '../../shared/core/index.ts';
import {
  cleanupKafka,
  createTopics,
  produce,
  testKafkaTransport,
  testLog,
  uniqueName,
  waitUntil,
} from '../support/kafka.ts';
import { localKvStore } from '../support/local-kv.ts';
import { testSqlStore } from '../support/pg.ts';

const KEYS = 50;
const EVENTS = 1_000;

describe('Kafka function consumer: exactly-once effects and per-key order', () => {
  const transport = testKafkaTransport();
  const topic = uniqueName('kc-orders');
  const fnName = uniqueName('kc-ledger');
  const kv = localKvStore();
  let store: PgSqlStore;
  let cleanupSql: () => Promise<void>;
  let running: FunctionConsumer | undefined;

  beforeAll(async () => {
    ({ store, cleanup: cleanupSql } = await testSqlStore('kafka_consumer'));
    await migrate(store);
    await store.query(
      'CREATE TABLE kc_events (k TEXT NOT NULL, pos INT NOT NULL, seq INT NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (k, pos))',
    );
    await createTopics(transport, [topic], 4);
  });

  afterAll(async () => {
    await running?.stop(10_000);
    await cleanupKafka(transport, [topic, `${fnName}.dlq`], [`hearth.${fnName}`]);
    await cleanupSql();
  });

  it('processes 1,000 events over 4 partitions and 50 keys once each, in order per key, ignoring a redelivery', async () => {
    const fn = defineFunction({
      name: fnName,
      trigger: kafka({ topic, schema: z.object({ key: z.string(), seq: z.number().int() }) }),
      keyConcurrency: 8,
      handler: async (event, { sql, meta }) => {
        // Appends at the next position of this key; per-key order shows as seq increasing with pos.
        await sql.query(
          'INSERT INTO kc_events (k, pos, seq, event_id) SELECT $1, COALESCE(MAX(pos), 0) + 1, $2, $3 FROM kc_events WHERE k = $1',
          [event.key, event.seq, meta.id],
        );
      },
    });
    const outcomes: Delivery[] = [];
    running = await startFunctionConsumer(fn, {
      transport,
      deps: { effects: new PgEffectStore(store), database: store, kv, log: testLog },
      partitionsConcurrently: 4,
      onOutcome: (_fn, _envelope, delivery) => void outcomes.push(delivery),
    });

    const messages: OutgoingMessage[] = [];
    for (let i = 0; i < EVENTS; i += 1) {
      const key = `key-${i % KEYS}`;
      const seq = Math.floor(i / KEYS);
      messages.push({ topic, key, value: JSON.stringify({ key, seq }), headers: { ce_id: `${topic}-evt-${i}` } });
    }
    // The same event delivered again (same ce_id), e.g. by a producer retry upstream.
    const redelivered = messages[123] as OutgoingMessage;
    await produce(transport, [...messages, redelivered]);

    await waitUntil('every record has an outcome', () => outcomes.length >= EVENTS + 1, 90_000);
    const admin = await transport.admin();
    try {
      await waitUntil('the group has committed everything', async () => {
        const lag = await admin.groupLag(`hearth.${fnName}`, [topic]);
        return lag.length === 4 && lag.every((p) => p.lag === 0);
      });
    } finally {
      await admin.disconnect();
    }

    const rows = await store.query<{ k: string; pos: number; seq: number; event_id: string }>(
      'SELECT k, pos, seq, event_id FROM kc_events ORDER BY k, pos',
    );
    expect(rows.rowCount).toBe(EVENTS);
    expect(new Set(rows.rows.map((r) => r.event_id)).size).toBe(EVENTS);
    const byKey = new Map<string, number[]>();
    for (const row of rows.rows) byKey.set(row.k, [...(byKey.get(row.k) ?? []), row.seq]);
    expect(byKey.size).toBe(KEYS);
    for (const seqs of byKey.values()) expect(seqs).toEqual(Array.from({ length: EVENTS / KEYS }, (_, i) => i));

    const ledger = await store.query<{ n: string }>(
      'SELECT count(*) AS n FROM hearth_ledger WHERE function_name = $1',
      [fnName],
    );
    expect(Number(ledger.rows[0]?.n)).toBe(EVENTS);
    const duplicates = outcomes.filter((d) => d.outcome.status === 'done' && d.outcome.duplicate);
    expect(duplicates).toHaveLength(1);
    expect(outcomes.filter((d) => d.outcome.status !== 'done')).toHaveLength(0);
  });
});
