import path from 'node:path';
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
import { createTestSchema, type TestSchema } from '../support/pg.ts';
import { unpublished } from '../support/outbox.ts';
import { startStepServer, type StepServer } from '../support/step-server.ts';

const FIXTURES = path.join(repoRoot, 'test/fixtures/functions');
const transport = testKafkaTransport();
const EVENTS = 300;
const KILLS = 10;

/**
 * Durable steps under SIGKILL, with real `hearth dev` processes: a five-step function whose steps two
 * and four call a local HTTP server that numbers every request. However often the host dies, every
 * event completes once, and a journaled step never runs again.
 */
describe('durable function: journaled steps across SIGKILLs', () => {
  let schema: TestSchema;
  let pool: pg.Pool;
  let server: StepServer;
  const hosts: HostProcess[] = [];
  const topic = uniqueName('durable');
  const table = `effects_${topic.replace(/-/g, '_')}`;

  beforeAll(async () => {
    schema = await createTestSchema('durable_crash');
    pool = new pg.Pool({ ...schema.poolConfig });
    server = await startStepServer({ delayMs: 15 });
    await pool.query(`CREATE TABLE ${table} (seq INT NOT NULL, event_id TEXT NOT NULL)`);
    await createTopics(transport, [topic, `${topic}.out`], 4);
  });
  afterAll(async () => {
    for (const h of hosts) if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill('SIGKILL');
    await server.close();
    await pool.end();
    await schema.drop();
    await cleanupKafka(transport, [topic, `${topic}.out`, 'durable-counter.dlq'], ['hearth.durable-counter']);
  });

  function startHost(): HostProcess {
    const host = startHostProcess(['dev'], {
      DATABASE_URL: databaseUrlForSchema(schema.name),
      HEARTH_FUNCTIONS_DIR: FIXTURES,
      HEARTH_FUNCTIONS: 'durable-counter',
      HEARTH_HTTP_PORT: '0',
      HEARTH_PARTITIONS_CONCURRENTLY: '1',
      // A killed member's partitions and leases move on within seconds, not half a minute.
      HEARTH_KAFKA_SESSION_TIMEOUT_MS: '6000',
      HEARTH_DURABLE_LEASE_MS: '4000',
      E2E_TOPIC: topic,
      E2E_TABLE: table,
      STEP_SERVER_URL: server.url,
    });
    hosts.push(host);
    return host;
  }

  const effects = async (): Promise<number> =>
    Number((await pool.query<{ n: string }>(`SELECT count(DISTINCT event_id) AS n FROM ${table}`)).rows[0]?.n);
  // An execution is done with its ledger row, committed in one statement with its outbox rows. Its effect
  // (step three) commits earlier: counting effects alone would stop the host before the last steps ran.
  const completed = async (): Promise<number> =>
    Number(
      (
        await pool.query<{ n: string }>(
          "SELECT count(*) AS n FROM hearth_ledger WHERE function_name = 'durable-counter'",
        )
      ).rows[0]?.n,
    );

  it(`${EVENTS} events, the host SIGKILLed ${KILLS} times: each completes once, no journaled step runs again`, async () => {
    await produce(
      transport,
      Array.from({ length: EVENTS }, (_, seq) => ({
        topic,
        key: `k${seq % 20}`,
        value: JSON.stringify({ seq, key: `k${seq % 20}` }),
        headers: {},
      })),
    );
    for (let kill = 0; kill < KILLS; kill += 1) {
      const host = startHost();
      const before = server.calls.length;
      // Kill at a random moment once this host is working.
      await waitUntil(`host ${kill} working\n${host.output()}`, () => server.calls.length > before, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 900));
      host.child.kill('SIGKILL');
      await host.exited;
    }
    expect(await effects()).toBeLessThan(EVENTS);
    const last = startHost();
    await waitUntil('every effect written', async () => (await effects()) >= EVENTS, 180_000);
    await waitUntil('every execution completed', async () => (await completed()) >= EVENTS, 180_000);
    await waitUntil('every emit published', async () => {
      return (await unpublished(pool)) === 0;
    });
    last.child.kill('SIGTERM');
    expect((await last.exited).code, last.output()).toBe(0);

    const { rows: statuses } = await pool.query<{ status: string; n: string }>(
      `SELECT status, count(*) AS n FROM hearth_executions WHERE function_name = 'durable-counter' GROUP BY status`,
    );
    expect(statuses).toEqual([{ status: 'done', n: String(EVENTS) }]);
    // Every event completed exactly once: one effect row each, one emitted id each.
    const { rows: effectRows } = await pool.query<{ rows: string; distinct: string }>(
      `SELECT count(*) AS rows, count(DISTINCT seq) AS distinct FROM ${table}`,
    );
    expect(effectRows[0]).toEqual({ rows: String(EVENTS), distinct: String(EVENTS) });
    const out = await readAllRecords(transport, `${topic}.out`);
    expect(new Set(out.map((r) => r.headers['ce_id'])).size).toBe(EVENTS);
    expect(new Set(out.map((r) => (JSON.parse(r.value?.toString('utf8') ?? '{}') as { seq: number }).seq)).size).toBe(
      EVENTS,
    );

    // No journaled step ran again: for every step the journal holds the answer to its LAST request;
    // an earlier request of the same step is one a kill interrupted before it was journaled.
    const { rows: journal } = await pool.query<{ event_id: string; step_id: string; value: { serial: number } }>(
      `SELECT e.event_id, s.step_id, s.value FROM hearth_steps s
         JOIN hearth_executions e ON e.function_name = s.function_name AND e.execution_key = s.execution_key
        WHERE s.function_name = 'durable-counter' AND s.step_id IN ('two', 'four')`,
    );
    expect(journal).toHaveLength(EVENTS * 2);
    for (const row of journal) {
      const calls = server.callsOf(row.event_id, row.step_id);
      expect(calls.at(-1)?.serial, `${row.event_id} ${row.step_id}`).toBe(row.value.serial);
    }
    const extra = server.calls.length - EVENTS * 2;
    expect(extra).toBeGreaterThanOrEqual(0);
    expect(extra).toBeLessThanOrEqual(KILLS);
  });
});
