import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, pruneExpired, type PgSqlStore } from '../../shared/adapters/sql/index.ts';
import { jsonLogger } from '../../shared/core/index.ts';
import { startHost, type Host } from '../../shared/host/host.ts';
import { createRuntime } from '../../shared/host/runtime.ts';
import { databaseUrlForSchema, serviceEnv } from '../support/host-process.ts';
import { waitUntil } from '../support/kafka.ts';
import { testSqlStore, type TestSchema } from '../support/pg.ts';

/**
 * Retention on real PostgreSQL: rows past their retention go, in batches; rows still needed stay
 * (running executions, young rows, dead letters scheduled for re-queue); and the cron function runs it.
 */
let sql: PgSqlStore;
let schema: TestSchema;
let cleanup: () => Promise<void>;
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

beforeAll(async () => {
  ({ store: sql, schema, cleanup } = await testSqlStore('retention'));
  await migrate(sql, { sources: [{ namespace: 'dead-letter-agent', dir: 'functions/dead-letter-agent/migrations' }] });
});
afterAll(() => cleanup?.());

async function seed(): Promise<void> {
  const old = ago(10);
  const young = ago(1);
  // 1,500 old ledger rows (more than one batch) and one young row.
  await sql.query(
    `INSERT INTO hearth_ledger (function_name, event_id, processed_at)
     SELECT 'f', 'old-' || i, $1 FROM generate_series(1, 1500) AS s(i)`,
    [old],
  );
  await sql.query(`INSERT INTO hearth_ledger (function_name, event_id, processed_at) VALUES ('f', 'young', $1)`, [
    young,
  ]);
  for (const [key, status, at] of [
    ['done-old', 'done', old],
    ['running-old', 'running', old],
    ['done-young', 'done', young],
  ] as const) {
    await sql.query(
      `INSERT INTO hearth_executions (function_name, execution_key, event_id, status, envelope, updated_at)
       VALUES ('f', $1, $1, $2, '{}', $3)`,
      [key, status, at],
    );
    await sql.query(
      `INSERT INTO hearth_steps (function_name, execution_key, step_id, kind, outcome, attempts, started_at)
       VALUES ('f', $1, 'one', 'run', 'ok', 1, $2)`,
      [key, at],
    );
  }
  await sql.query(
    `INSERT INTO hearth_cron_ticks (function_name, scheduled_at, done_at) VALUES ('c', $1, $1), ('c', $2, $2), ('c', $3, NULL)`,
    [old, young, ago(20)],
  );
  await sql.query(
    `INSERT INTO hearth_outbox (id, topic, value, headers, dead_at) VALUES
       ('dead-old', 't', 'v', '{}', $1), ('dead-young', 't', 'v', '{}', $2), ('live', 't', 'v', '{}', NULL)`,
    [ago(40), ago(10)],
  );
  for (const [id, status, at] of [
    ['dl-old', 'review', ago(40)],
    ['dl-old-scheduled', 'scheduled', ago(40)],
    ['dl-young', 'review', ago(10)],
  ] as const) {
    await sql.query(
      `INSERT INTO hearth_dead_letters (id, dlq_topic, dlq_partition, dlq_offset, function_name, event_id, reason,
         error_class, error_message, fingerprint, attempts, body, headers, status, received_at)
       VALUES ($1, 'd', 0, '0', 'f', $1, 'r', 'E', 'm', 'fp', 1, 'b', '{}', $2, $3)`,
      [id, status, at],
    );
  }
}

const ids = async (text: string) => (await sql.query<{ id: string }>(text)).rows.map((r) => r.id).sort();

describe('retention', () => {
  it('deletes rows past their retention and keeps what is still needed', async () => {
    await seed();
    const counts = await pruneExpired(sql, { processedBefore: ago(7), deadBefore: ago(30) });
    expect(counts).toEqual({
      hearth_ledger: 1500,
      hearth_steps: 1,
      hearth_waits: 0,
      hearth_executions: 1,
      hearth_cron_ticks: 1,
      hearth_outbox: 1,
      hearth_dead_letters: 1,
    });
    expect(await ids('SELECT event_id AS id FROM hearth_ledger')).toEqual(['young']);
    expect(await ids('SELECT execution_key AS id FROM hearth_executions')).toEqual(['done-young', 'running-old']);
    expect(await ids('SELECT execution_key AS id FROM hearth_steps')).toEqual(['done-young', 'running-old']);
    const ticks = await sql.query<{ done: boolean }>(
      "SELECT done_at IS NOT NULL AS done FROM hearth_cron_ticks WHERE function_name = 'c' ORDER BY scheduled_at",
    );
    expect(ticks.rows).toEqual([{ done: false }, { done: true }]);
    expect(await ids('SELECT id FROM hearth_outbox')).toEqual(['dead-young', 'live']);
    expect(await ids('SELECT id FROM hearth_dead_letters')).toEqual(['dl-old-scheduled', 'dl-young']);
  });

  it('runs as a cron function on a host', async () => {
    await sql.query(`INSERT INTO hearth_ledger (function_name, event_id, processed_at) VALUES ('f', 'stale', $1)`, [
      ago(30),
    ]);
    process.env['HEARTH_RETENTION_SCHEDULE'] = '* * * * * *';
    const { default: retention } = await import('../../functions/retention/index.ts');
    const env = { ...serviceEnv, DATABASE_URL: databaseUrlForSchema(schema.name), HEARTH_HTTP_PORT: '0' };
    const rt = await createRuntime(env, { log: jsonLogger({ level: 'error' }) });
    const host: Host = await startHost([retention], rt);
    try {
      await waitUntil(
        'the retention tick prunes the stale ledger row',
        async () => (await sql.query("SELECT 1 FROM hearth_ledger WHERE event_id = 'stale'")).rowCount === 0,
        30_000,
      );
      // The tick's execution completes just after its prune step: wait for it, do not race it.
      await waitUntil(
        'a retention tick completes',
        async () =>
          (await sql.query("SELECT 1 FROM hearth_executions WHERE function_name = 'retention' AND status = 'done'"))
            .rowCount > 0,
        30_000,
      );
    } finally {
      await host.stop();
    }
  });
});
