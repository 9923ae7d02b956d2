import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupKafka,
  createTopics,
  produce,
  readAllRecords,
  testKafkaTransport,
  uniqueName,
  waitUntil,
} from '../support/kafka.ts';
import { databaseUrlForSchema, repoRoot, startHostProcess, type HostProcess } from '../support/host-process.ts';
import { createTestSchema, TEST_DATABASE_URL, type TestSchema } from '../support/pg.ts';
import { unpublished } from '../support/outbox.ts';

const run = promisify(execFile);
const FIXTURES = path.join(repoRoot, 'test/fixtures/functions');
const transport = testKafkaTransport();

/**
 * The delivery contract end to end, with real `hearth dev` processes: events are consumed from Kafka,
 * effects and emits commit with the ledger row, and neither SIGKILL nor a database restart loses or
 * doubles anything.
 */
describe('host: exactly-once effects across crashes', () => {
  let schema: TestSchema;
  let pool: pg.Pool;
  const topics: string[] = [];
  const hosts: HostProcess[] = [];

  beforeAll(async () => {
    schema = await createTestSchema('e2e');
    pool = new pg.Pool({ ...schema.poolConfig });
    // The restart test terminates idle connections; the pool reconnects on the next query.
    pool.on('error', () => undefined);
  });
  afterAll(async () => {
    for (const h of hosts) if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill('SIGKILL');
    await pool.end();
    await schema.drop();
    await cleanupKafka(transport, topics, ['hearth.effect-counter']);
  });

  function startHost(topic: string, table: string): HostProcess {
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

  async function counts(table: string): Promise<{ rows: number; distinct: number }> {
    const { rows } = await pool.query<{ rows: string; distinct: string }>(
      `SELECT count(*) AS rows, count(DISTINCT seq) AS distinct FROM ${table}`,
    );
    return { rows: Number(rows[0]?.rows), distinct: Number(rows[0]?.distinct) };
  }

  async function setUp(n: number): Promise<{ topic: string; table: string }> {
    const topic = uniqueName('e2e');
    const table = `effects_${topic.replace(/-/g, '_')}`;
    topics.push(topic, `${topic}.out`, 'effect-counter.dlq');
    await pool.query(`CREATE TABLE ${table} (seq INT NOT NULL, event_key TEXT NOT NULL, event_id TEXT NOT NULL)`);
    await createTopics(transport, [topic, `${topic}.out`], 4);
    await produce(
      transport,
      Array.from({ length: n }, (_, seq) => ({
        topic,
        key: `k${seq % 50}`,
        value: JSON.stringify({ seq, key: `k${seq % 50}` }),
        headers: {},
      })),
    );
    return { topic, table };
  }

  it('5,000 events with the host SIGKILLed three times give exactly 5,000 effects and 5,000 emits', async () => {
    const { topic, table } = await setUp(5_000);
    for (const threshold of [700, 1_900, 3_300]) {
      const host = startHost(topic, table);
      await waitUntil(`${threshold} effects`, async () => (await counts(table)).rows >= threshold, 90_000);
      host.child.kill('SIGKILL');
      await host.exited;
    }
    const last = startHost(topic, table);
    await waitUntil('5,000 effects', async () => (await counts(table)).distinct >= 5_000, 120_000);
    // Let the last host drain: a doubled effect would appear now, after the redelivered tail.
    last.child.kill('SIGTERM');
    const exit = await last.exited;
    expect(exit.code, last.output()).toBe(0);

    expect(await counts(table)).toEqual({ rows: 5_000, distinct: 5_000 });
    const out = await readAllRecords(transport, `${topic}.out`);
    const emitted = new Set(out.map((r) => (JSON.parse(r.value?.toString('utf8') ?? '{}') as { seq: number }).seq));
    expect(emitted.size).toBe(5_000);
    // At-least-once publish: a crash between publish and outbox delete may repeat a record, never with a new id.
    const ids = new Set(out.map((r) => r.headers['ce_id']));
    expect(ids.size).toBe(5_000);
    expect(await unpublished(pool)).toBe(0);
  });

  it('a PostgreSQL restart during processing loses nothing and doubles nothing', async () => {
    const { topic, table } = await setUp(2_000);
    const host = startHost(topic, table);
    await waitUntil('500 effects', async () => (await counts(table)).rows >= 500, 90_000);
    await run('bash', [path.join(repoRoot, 'scripts/services.sh'), 'restart', 'postgres']);
    await waitUntil(
      '2,000 effects',
      async () => (await counts(table).catch(() => ({ distinct: 0 }))).distinct >= 2_000,
      120_000,
    );
    host.child.kill('SIGTERM');
    expect((await host.exited).code, host.output()).toBe(0);
    expect(await counts(table)).toEqual({ rows: 2_000, distinct: 2_000 });
  });
});

describe('host: bad configuration', () => {
  it.each([
    ['KAFKA_BROKERS', { KAFKA_BROKERS: 'not a broker list' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://nope' }],
    ['UPSTASH_REDIS_REST_URL', { UPSTASH_REDIS_REST_URL: 'ftp://x' }],
    ['HEARTH_HTTP_PORT', { HEARTH_HTTP_PORT: 'eighty' }],
  ])('exits non-zero naming %s', async (variable, env) => {
    const host = startHostProcess(['dev'], { DATABASE_URL: TEST_DATABASE_URL, ...env });
    const exit = await host.exited;
    expect(exit.code).not.toBe(0);
    expect(host.output()).toContain(variable);
  });
});
