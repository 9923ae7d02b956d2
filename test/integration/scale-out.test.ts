import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransportProducer } from '../../shared/adapters/kafka/index.ts';
import {
  cleanupKafka,
  createTopics,
  readAllRecords,
  testKafkaTransport,
  uniqueName,
  waitUntil,
} from '../support/kafka.ts';
import { databaseUrlForSchema, repoRoot, startHostProcess, type HostProcess } from '../support/host-process.ts';
import { unpublished } from '../support/outbox.ts';
import { createTestSchema, type TestSchema } from '../support/pg.ts';

const FIXTURES = path.join(repoRoot, 'test/fixtures/functions');
const EVENTS = 100_000;
const PARTITIONS = 8;
const transport = testKafkaTransport();

/**
 * Scaling out and losing replicas keeps every guarantee: 3 `hearth dev` processes share one consumer
 * group over 100,000 events on the fast path; during the run a 4th joins, one is stopped with SIGTERM
 * and one is killed with SIGKILL. Afterwards every event has exactly one effect row and one emitted id,
 * and the group's committed offsets reach the end of every partition.
 */
describe('host: scale-out and replica loss over 100,000 events', () => {
  let schema: TestSchema;
  let pool: pg.Pool;
  const topic = uniqueName('scale');
  const table = `effects_${topic.replace(/-/g, '_')}`;
  const hosts: HostProcess[] = [];

  beforeAll(async () => {
    schema = await createTestSchema('scale');
    pool = new pg.Pool({ ...schema.poolConfig });
    await pool.query(`CREATE TABLE ${table} (seq INT NOT NULL, event_key TEXT NOT NULL, event_id TEXT NOT NULL)`);
    await createTopics(transport, [topic, `${topic}.out`], PARTITIONS);
  });
  afterAll(async () => {
    for (const h of hosts) if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill('SIGKILL');
    await pool.end();
    await schema.drop();
    await cleanupKafka(transport, [topic, `${topic}.out`, 'effect-counter.dlq'], ['hearth.effect-counter']);
  });

  function startHost(): HostProcess {
    const host = startHostProcess(['dev'], {
      DATABASE_URL: databaseUrlForSchema(schema.name),
      HEARTH_FUNCTIONS_DIR: FIXTURES,
      HEARTH_FUNCTIONS: 'effect-counter',
      HEARTH_HTTP_PORT: '0',
      E2E_TOPIC: topic,
      E2E_TABLE: table,
    });
    hosts.push(host);
    return host;
  }

  const effects = async (): Promise<number> =>
    Number((await pool.query<{ n: string }>(`SELECT count(DISTINCT seq) AS n FROM ${table}`)).rows[0]?.n);

  async function fill(producer: TransportProducer): Promise<void> {
    for (let start = 0; start < EVENTS; start += 2_000) {
      await producer.send(
        Array.from({ length: 2_000 }, (_, i) => {
          const seq = start + i;
          return { topic, key: `k${seq % 200}`, value: JSON.stringify({ seq, key: `k${seq % 200}` }), headers: {} };
        }),
      );
    }
  }

  it('3 replicas, one added, one SIGTERMed, one SIGKILLed: 100,000 effects and ids, every partition consumed', async () => {
    const producer = await transport.producer();
    try {
      await fill(producer);
    } finally {
      await producer.disconnect();
    }
    const [a, b] = [startHost(), startHost(), startHost()];
    await waitUntil('20,000 effects', async () => (await effects()) >= 20_000, 300_000);
    startHost();
    await waitUntil('40,000 effects', async () => (await effects()) >= 40_000, 300_000);
    a?.child.kill('SIGTERM');
    expect((await a?.exited)?.code, a?.output()).toBe(0);
    await waitUntil('60,000 effects', async () => (await effects()) >= 60_000, 300_000);
    b?.child.kill('SIGKILL');
    await b?.exited;
    await waitUntil('every event done', async () => (await effects()) >= EVENTS, 600_000);
    await waitUntil('every emit published', async () => (await unpublished(pool)) === 0, 120_000);
    await waitUntil(
      'every partition consumed',
      async () => {
        const admin = await transport.admin();
        try {
          const lags = await admin.groupLag('hearth.effect-counter', [topic]);
          return lags.length === PARTITIONS && lags.every((l) => l.committed !== null && l.lag === 0);
        } finally {
          await admin.disconnect();
        }
      },
      120_000,
    );
    for (const h of hosts) if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill('SIGTERM');
    for (const h of hosts) await h.exited;

    const { rows } = await pool.query<{ rows: string; distinct: string }>(
      `SELECT count(*) AS rows, count(DISTINCT seq) AS distinct FROM ${table}`,
    );
    expect({ rows: Number(rows[0]?.rows), distinct: Number(rows[0]?.distinct) }).toEqual({
      rows: EVENTS,
      distinct: EVENTS,
    });
    const out = await readAllRecords(transport, `${topic}.out`);
    // At-least-once publish: a killed replica may have published a batch it had not deleted yet; a
    // repeat carries the same id, so ids are what must be exactly 100,000.
    expect(new Set(out.map((r) => r.headers['ce_id'])).size).toBe(EVENTS);
    const seqs = new Set(out.map((r) => (JSON.parse(r.value?.toString('utf8') ?? '{}') as { seq: number }).seq));
    expect(seqs.size).toBe(EVENTS);
  }, 1_500_000);
});
