import { randomBytes } from 'node:crypto';
import { PgEffectStore, PgSqlStore, migrate } from '../../shared/adapters/sql/index.ts';
import { CronScheduler, type CronSchedulerOptions, type CronTickInfo } from '../../shared/adapters/cron/index.ts';
import { jsonLogger } from '../../shared/core/index.ts';
import type { AnyFunction, KvStore, OutgoingMessage } from '../../shared/core/index.ts';
import { testSqlStore, type TestSchema } from './pg.ts';

/** Cron functions never touch the KV store in these tests; any call is a test bug. */
export const unusedKv: KvStore = new Proxy({} as KvStore, {
  get: (_target, method) => () => Promise.reject(new Error(`KvStore.${String(method)} is not used by cron tests`)),
});

export const quietLog = jsonLogger({ level: 'warn', write: (line) => void process.stderr.write(line) });

/** A random function name (a DNS label) so parallel runs and reruns never share tick rows. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A migrated throwaway schema: `hearth_cron_ticks`, the ledger and the outbox come from the SQL migrations. */
export async function cronDatabase(): Promise<{ store: PgSqlStore; schema: TestSchema; cleanup: () => Promise<void> }> {
  const db = await testSqlStore('cron');
  await migrate(db.store);
  return db;
}

/** One replica: its own pg pool, effect store and scheduler, recording ticks and dead letters. */
export interface Replica {
  scheduler: CronScheduler;
  store: PgSqlStore;
  ticks: CronTickInfo[];
  deadLetters: OutgoingMessage[];
  close(): Promise<void>;
}

/**
 * Builds a replica on its own pool against `schema`.
 * @example const a = replica(schema, [fn], 'replica-a')
 */
export function replica(
  schema: TestSchema,
  functions: AnyFunction[],
  replicaId: string,
  options: Partial<CronSchedulerOptions> = {},
): Replica {
  const store = new PgSqlStore({ pool: schema.poolConfig });
  const ticks: CronTickInfo[] = [];
  const deadLetters: OutgoingMessage[] = [];
  const scheduler = new CronScheduler({
    functions,
    sql: store,
    deps: { effects: new PgEffectStore(store), database: store, kv: unusedKv, log: quietLog },
    deadLetter: (message) => {
      deadLetters.push(message);
      return Promise.resolve();
    },
    log: quietLog,
    replicaId,
    onTick: (info) => ticks.push(info),
    ...options,
  });
  return {
    scheduler,
    store,
    ticks,
    deadLetters,
    close: async () => {
      await scheduler.stop();
      await store.close();
    },
  };
}

/**
 * Polls `check` until it returns true or the time runs out.
 * @example await until(() => scheduler.inFlight === 0)
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
