import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { PoolConfig } from 'pg';
import { PgSqlStore, type PgSqlStoreOptions } from '../../shared/adapters/sql/index.ts';

/** The database integration tests use; scripts/services.sh serves it locally. */
export const TEST_DATABASE_URL = process.env['DATABASE_URL'] ?? 'postgres://hearth:hearth@localhost:5432/hearth';

/**
 * Waits until PostgreSQL accepts connections (the services script may still be starting it).
 * @example await waitForPostgres()
 */
export async function waitForPostgres(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`PostgreSQL at ${TEST_DATABASE_URL} not ready after ${timeoutMs} ms`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** A throwaway schema; pool connections built from `poolConfig` see only it (search_path). */
export interface TestSchema {
  name: string;
  poolConfig: PoolConfig;
  drop(): Promise<void>;
}

/**
 * Creates a randomly named schema and pool settings whose search_path points at it.
 * @example const schema = await createTestSchema('effects'); ...; await schema.drop()
 */
export async function createTestSchema(prefix = 'test'): Promise<TestSchema> {
  await waitForPostgres();
  const name = `${prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE SCHEMA ${name}`);
  return {
    name,
    poolConfig: { connectionString: TEST_DATABASE_URL, options: `-c search_path=${name}`, max: 5 },
    drop: () => admin(`DROP SCHEMA IF EXISTS ${name} CASCADE`),
  };
}

/**
 * A PgSqlStore on a fresh schema; `cleanup` closes it and drops the schema.
 * @example const { store, cleanup } = await testSqlStore('store'); afterAll(cleanup)
 */
export async function testSqlStore(
  prefix: string,
  options: Omit<PgSqlStoreOptions, 'pool'> & { pool?: PoolConfig } = {},
): Promise<{ store: PgSqlStore; schema: TestSchema; cleanup: () => Promise<void> }> {
  const schema = await createTestSchema(prefix);
  const store = new PgSqlStore({ ...options, pool: { ...schema.poolConfig, ...options.pool } });
  return {
    store,
    schema,
    cleanup: async () => {
      await store.close();
      await schema.drop();
    },
  };
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
