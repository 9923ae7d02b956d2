import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cron, defineFunction } from '../../shared/core/index.ts';
import type { PgSqlStore } from '../../shared/adapters/sql/index.ts';
import { cronDatabase, replica, uniqueName, type Replica } from '../support/cron.ts';
import type { TestSchema } from '../support/pg.ts';

describe('CronScheduler on two replicas', () => {
  let store: PgSqlStore;
  let schema: TestSchema;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ store, schema, cleanup } = await cronDatabase());
    await store.query(
      'CREATE TABLE cron_runs (scheduled_at TIMESTAMPTZ NOT NULL, ran_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
  });
  afterAll(async () => cleanup());

  it('runs each every-second tick exactly once for ~10 s, with no tick missing', async () => {
    const name = uniqueName('cron-replicas');
    const invocations = new Map<string, number>();
    const fn = defineFunction({
      name,
      trigger: cron({ schedule: '* * * * * *' }),
      handler: async ({ scheduledAt }, { sql }) => {
        const key = scheduledAt.toISOString();
        invocations.set(key, (invocations.get(key) ?? 0) + 1);
        await sql.query('INSERT INTO cron_runs (scheduled_at) VALUES ($1)', [scheduledAt]);
      },
    });
    const replicas: Replica[] = [replica(schema, [fn], 'replica-a'), replica(schema, [fn], 'replica-b')];
    try {
      await Promise.all(replicas.map((r) => r.scheduler.start()));
      await new Promise((resolve) => setTimeout(resolve, 10_000));
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
    }

    const rows = await store.query<{ scheduled_at: Date; runs: string }>(
      'SELECT scheduled_at, count(*) AS runs FROM cron_runs GROUP BY scheduled_at ORDER BY scheduled_at',
    );
    const ticks = rows.rows.map((row) => row.scheduled_at.getTime());
    expect(ticks.length).toBeGreaterThanOrEqual(8);
    expect(rows.rows.every((row) => Number(row.runs) === 1)).toBe(true);
    // Handler invocations across both schedulers: one per tick, the same ticks SQL saw.
    expect([...invocations.values()].every((count) => count === 1)).toBe(true);
    expect([...invocations.keys()].sort()).toEqual(rows.rows.map((row) => row.scheduled_at.toISOString()));
    // No gap between the first and the last tick.
    const first = ticks[0] ?? 0;
    expect(ticks).toEqual(ticks.map((_, i) => first + i * 1_000));
    // Each tick was claimed by exactly one replica and finished.
    const won = replicas.flatMap((r) => r.ticks.filter((t) => t.ran).map((t) => t.scheduledAt.toISOString()));
    expect(won.sort()).toEqual([...invocations.keys()].sort());
    const tickRows = await store.query<{ done: string; total: string }>(
      'SELECT count(done_at) AS done, count(*) AS total FROM hearth_cron_ticks WHERE function_name = $1',
      [name],
    );
    expect(Number(tickRows.rows[0]?.done)).toBe(ticks.length);
    await store.query('DELETE FROM hearth_cron_ticks WHERE function_name = $1', [name]);
  });
});
