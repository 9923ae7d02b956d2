// The test plays KafkaSource: a kafkajs consumer reads a real topic, turns each record into the
// binary-mode CloudEvent KafkaSource sends, POSTs it to the receiver and, like Knative, redelivers on
// 5xx. 1,000 events (some failing once) and a few deliberate redeliveries must give exactly-once effects.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineFunction, kafka } from '../../shared/core/index.ts';
import {
  kafkaSourceHeaders,
  startReceiverHarness,
  type KafkaRecordLike,
  type ReceiverHarness,
} from './knative-harness.ts';
import { TEST_KAFKA_BROKERS } from '../support/kafka.ts';

const TOTAL = 1_000;
const suffix = randomBytes(4).toString('hex');
const topic = `knative-load-${suffix}`;
const table = `knative_load_${suffix}`;
const Item = z.object({ n: z.number().int(), amount: z.number().int() });

const fn = defineFunction({
  name: 'knative-load',
  trigger: kafka({ topic, schema: Item }),
  handler: async (item, { sql, kv, meta }) => {
    // Every 97th event fails on its first delivery (a transient fault), so Knative-style retries happen.
    if (
      item.n % 97 === 0 &&
      (await kv.set(`knative-load:${suffix}:failed:${item.n}`, 1, { ifNotExists: true, ttlMs: 600_000 }))
    ) {
      throw new Error(`transient fault for ${item.n}`);
    }
    await sql.query(`INSERT INTO ${table} (n, event_id, msg_key, source_header) VALUES ($1, $2, $3, $4)`, [
      item.n,
      meta.id,
      meta.key,
      meta.headers['origin'] ?? null,
    ]);
    await sql.query(`UPDATE ${table}_total SET total = total + $1, calls = calls + 1`, [item.amount]);
  },
});

const kafkaClient = new Kafka({
  clientId: `knative-driver-${suffix}`,
  brokers: TEST_KAFKA_BROKERS,
  logLevel: logLevel.NOTHING,
});
let h: ReceiverHarness;

beforeAll(async () => {
  h = await startReceiverHarness([fn], async (sql) => {
    await sql.query(
      `CREATE TABLE ${table} (n INT PRIMARY KEY, event_id TEXT NOT NULL, msg_key TEXT, source_header TEXT)`,
    );
    await sql.query(`CREATE TABLE ${table}_total (total BIGINT NOT NULL, calls BIGINT NOT NULL)`);
    await sql.query(`INSERT INTO ${table}_total VALUES (0, 0)`);
  });
  const admin = kafkaClient.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
});

afterAll(async () => {
  const admin = kafkaClient.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  if (h) {
    const keys = Array.from({ length: Math.ceil(TOTAL / 97) + 1 }, (_, i) => `knative-load:${suffix}:failed:${i * 97}`);
    await h.kv.del(...keys);
    await h.close();
  }
});

/** POSTs like the KafkaSource dispatcher: 2xx done, retryable status (5xx/404/409/429) redelivered. */
async function dispatch(record: KafkaRecordLike): Promise<{ status: number; duplicate: boolean; deliveries: number }> {
  for (let deliveries = 1; ; deliveries += 1) {
    const res = await fetch(`${h.url}/`, {
      method: 'POST',
      headers: kafkaSourceHeaders(record, 'knative-load'),
      body: record.value,
    });
    const body = (await res.json()) as { duplicate?: boolean };
    const retryable = res.status >= 500 || [404, 409, 429].includes(res.status);
    if (!retryable || deliveries >= 5) return { status: res.status, duplicate: body.duplicate === true, deliveries };
    await new Promise((resolve) => setTimeout(resolve, 20 * deliveries));
  }
}

describe('Knative receiver fed by a real Kafka topic', () => {
  it('processes 1,000 events with exactly-once effects, including retries and redeliveries', async () => {
    const producer = kafkaClient.producer();
    await producer.connect();
    const messages = Array.from({ length: TOTAL }, (_, n) => ({
      key: `agent-${n % 13}`,
      value: JSON.stringify({ n, amount: n % 10 }),
      headers: { origin: 'load-test' },
    }));
    for (let i = 0; i < TOTAL; i += 250) await producer.send({ topic, messages: messages.slice(i, i + 250) });
    await producer.disconnect();

    const seen: KafkaRecordLike[] = [];
    const statuses = new Map<number, number>();
    const retried = new Set<number>();
    const consumer = kafkaClient.consumer({ groupId: `knative.hearth.test-${suffix}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve, reject) => {
      consumer
        .run({
          partitionsConsumedConcurrently: 3,
          // Like KafkaSource's ordered delivery: one record at a time per partition, offset after success.
          eachMessage: async ({ partition, message }) => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
            const record: KafkaRecordLike = {
              topic,
              partition,
              offset: message.offset,
              key: message.key?.toString() ?? null,
              value: message.value?.toString() ?? '',
              headers,
            };
            const result = await dispatch(record);
            statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
            if (result.deliveries > 1) retried.add((JSON.parse(record.value) as { n: number }).n);
            seen.push(record);
            if (seen.length === TOTAL) resolve();
          },
        })
        .catch(reject);
    });
    await done;
    await consumer.disconnect();

    expect(statuses).toEqual(new Map([[202, TOTAL]]));
    // Each faulty event needed a redelivery; others may too when the shared total row hits SQL contention.
    const faulty = messages.map((_m, n) => n).filter((n) => n % 97 === 0);
    expect(faulty.filter((n) => !retried.has(n))).toEqual([]);

    // Redeliver a few records (as after a dispatcher restart before its offset commit): all duplicates.
    const again = await Promise.all(seen.slice(0, 25).map((record) => dispatch(record)));
    expect(again.every((r) => r.status === 202 && r.duplicate)).toBe(true);

    const count = await h.sql.query<{ n: string; ids: string; keyed: string; tagged: string }>(
      `SELECT count(*) AS n, count(DISTINCT event_id) AS ids, count(msg_key) AS keyed, count(*) FILTER (WHERE source_header = 'load-test') AS tagged FROM ${table}`,
    );
    expect(count.rows[0]).toEqual({
      n: String(TOTAL),
      ids: String(TOTAL),
      keyed: String(TOTAL),
      tagged: String(TOTAL),
    });
    const expectedTotal = messages.reduce((sum, _m, n) => sum + (n % 10), 0);
    const totals = await h.sql.query<{ total: string; calls: string }>(`SELECT total, calls FROM ${table}_total`);
    expect(totals.rows[0]).toEqual({ total: String(expectedTotal), calls: String(TOTAL) });
    const ids = await h.sql.query<{ event_id: string }>(`SELECT event_id FROM ${table} WHERE n = 0`);
    expect(ids.rows[0]?.event_id).toMatch(new RegExp(`^${topic}/[0-2]/\\d+$`));
    const ledger = await h.sql.query<{ n: string }>(
      "SELECT count(*) AS n FROM hearth_ledger WHERE function_name = 'knative-load'",
    );
    expect(ledger.rows[0]?.n).toBe(String(TOTAL));
  });
});
