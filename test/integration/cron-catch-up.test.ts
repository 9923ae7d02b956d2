import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cron, defineFunction, NonRetriableError, readDeadLetter } from '../../shared/core/index.ts';
import type { CatchUpPolicy } from '../../shared/core/index.ts';
import type { PgSqlStore } from '../../shared/adapters/sql/index.ts';
import { cronDatabase, replica, uniqueName, until } from '../support/cron.ts';
import type { TestSchema } from '../support/pg.ts';

const MINUTE = 60_000;

describe('CronScheduler catch-up and crashed claims', () => {
  let store: PgSqlStore;
  let schema: TestSchema;
  let cleanup: () => Promise<void>;
  const names: string[] = [];

  beforeAll(async () => {
    ({ store, schema, cleanup } = await cronDatabase());
  });
  afterAll(async () => {
    await store.query('DELETE FROM hearth_cron_ticks WHERE function_name = ANY($1)', [names]);
    await cleanup();
  });

  /** Seeds a finished tick row, as if a replica had run it before going down. */
  const seedDone = (name: string, at: Date): Promise<unknown> =>
    store.query(
      `INSERT INTO hearth_cron_ticks (function_name, scheduled_at, claimed_by, lease_until, done_at)
       VALUES ($1, $2, 'old-replica', $2, $2)`,
      [name, at],
    );

  /** Starts one replica for an every-minute function and returns the catch-up ticks it ran. */
  async function runCatchUp(
    policy: CatchUpPolicy,
    windowMs: number,
    latest: Date | null,
  ): Promise<{ ran: string[]; startedAt: Date }> {
    // Start well inside a minute so no on-time tick is due while the catch-up is checked.
    await until(() => Date.now() % MINUTE < 45_000, 20_000, 'a quiet part of the minute');
    const name = uniqueName(`catch-${policy}`);
    names.push(name);
    if (latest) await seedDone(name, latest);
    const ran: string[] = [];
    const fn = defineFunction({
      name,
      trigger: cron({ schedule: '* * * * *', catchUp: policy, catchUpWindowMs: windowMs }),
      handler: ({ scheduledAt }) => void ran.push(scheduledAt.toISOString()),
    });
    const r = replica(schema, [fn], uniqueName('replica'));
    const startedAt = new Date();
    try {
      await r.scheduler.start();
      await until(() => r.scheduler.inFlight === 0, 30_000, 'catch-up to finish');
    } finally {
      await r.close();
    }
    return { ran: ran.filter((at) => at <= startedAt.toISOString()), startedAt };
  }

  const minuteFloor = (d: Date): number => Math.floor(d.getTime() / MINUTE) * MINUTE;
  const minutesBack = (d: Date, n: number): Date => new Date(minuteFloor(d) - n * MINUTE);

  it("'skip' runs none of the missed ticks", async () => {
    const { ran } = await runCatchUp('skip', 60 * MINUTE, minutesBack(new Date(), 5));
    expect(ran).toEqual([]);
  });

  it("'latest' runs only the newest missed tick", async () => {
    const { ran, startedAt } = await runCatchUp('latest', 60 * MINUTE, minutesBack(new Date(), 5));
    expect(ran).toEqual([new Date(minuteFloor(startedAt)).toISOString()]);
  });

  it("'all' runs every missed tick after the newest recorded one, oldest first", async () => {
    const { ran, startedAt } = await runCatchUp('all', 60 * MINUTE, minutesBack(new Date(), 5));
    expect(ran).toEqual([4, 3, 2, 1, 0].map((n) => minutesBack(startedAt, n).toISOString()));
  });

  it("'all' stays within the window when the last recorded tick is older", async () => {
    const { ran, startedAt } = await runCatchUp('all', 3 * MINUTE, minutesBack(new Date(), 30));
    // (now - 3 min, now] holds three minute boundaries.
    expect(ran).toEqual([2, 1, 0].map((n) => minutesBack(startedAt, n).toISOString()));
  });

  it('re-runs a claim whose lease expired without done_at, on another replica, once', async () => {
    const name = uniqueName('crashed');
    names.push(name);
    const orphan = minutesBack(new Date(), 3);
    const leased = minutesBack(new Date(), 2);
    // The crashed replica's claim (lease over) and a live replica's claim (lease still running).
    await store.query(
      `INSERT INTO hearth_cron_ticks (function_name, scheduled_at, claimed_by, lease_until)
       VALUES ($1, $2, 'crashed-replica', now() - INTERVAL '1 second'), ($1, $3, 'busy-replica', now() + INTERVAL '10 minutes')`,
      [name, orphan, leased],
    );
    const ran: string[] = [];
    const fn = defineFunction({
      name,
      trigger: cron({ schedule: '* * * * *', catchUp: 'skip' }),
      handler: ({ scheduledAt }) => void ran.push(scheduledAt.toISOString()),
    });
    const r = replica(schema, [fn], 'rescuer');
    try {
      await r.scheduler.start();
      await until(() => ran.includes(orphan.toISOString()), 30_000, 'the orphaned tick to run');
      await until(() => r.scheduler.inFlight === 0, 30_000, 'the run to finish');
    } finally {
      await r.close();
    }
    expect(ran.filter((at) => at <= leased.toISOString())).toEqual([orphan.toISOString()]);
    expect(r.ticks.find((t) => t.scheduledAt.getTime() === orphan.getTime())).toMatchObject({
      ran: true,
      catchUp: true,
    });
    const rows = await store.query<{ scheduled_at: Date; claimed_by: string; done_at: Date | null }>(
      'SELECT scheduled_at, claimed_by, done_at FROM hearth_cron_ticks WHERE function_name = $1 AND scheduled_at <= $2 ORDER BY scheduled_at',
      [name, leased],
    );
    expect(rows.rows.map((row) => [row.claimed_by, row.done_at !== null])).toEqual([
      ['rescuer', true],
      ['busy-replica', false],
    ]);
  });

  it('hands a dead-lettered tick to the deadLetter callback and marks it done', async () => {
    const name = uniqueName('dead');
    names.push(name);
    const orphan = minutesBack(new Date(), 2);
    await store.query(
      `INSERT INTO hearth_cron_ticks (function_name, scheduled_at, claimed_by, lease_until)
       VALUES ($1, $2, 'crashed-replica', now() - INTERVAL '1 second')`,
      [name, orphan],
    );
    const fn = defineFunction({
      name,
      trigger: cron({ schedule: '* * * * *' }),
      handler: () => {
        throw new NonRetriableError('report source is gone');
      },
    });
    const r = replica(schema, [fn], 'dlq-replica');
    try {
      await r.scheduler.start();
      await until(() => r.deadLetters.length > 0, 30_000, 'a dead letter');
      await until(() => r.scheduler.inFlight === 0, 30_000, 'the run to finish');
    } finally {
      await r.close();
    }
    const letter = r.deadLetters.find((m) => m.headers['hearth-dlq-scheduled-at'] === orphan.toISOString());
    expect(letter?.topic).toBe(`${name}.dlq`);
    expect(readDeadLetter(letter?.headers ?? {})).toMatchObject({
      reason: 'non-retriable',
      function: name,
      eventId: `cron@${orphan.toISOString()}`,
    });
    const done = await store.query<{ done_at: Date | null }>(
      'SELECT done_at FROM hearth_cron_ticks WHERE function_name = $1 AND scheduled_at = $2',
      [name, orphan],
    );
    expect(done.rows[0]?.done_at).not.toBeNull();
  });
});
