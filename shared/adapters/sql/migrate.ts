import { HearthError } from '../../core/index.ts';
import type { Logger, SqlStore } from '../../core/index.ts';
import { sqlStateOf } from './errors.ts';
import { loadMigrations, runtimeMigrations, type Migration, type MigrationSource } from './migration-sources.ts';

export interface MigrateOptions {
  log?: Logger;
  /** Extra directories after the runtime's own, e.g. from {@link functionMigrationSources}. */
  sources?: readonly MigrationSource[];
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS hearth_migrations (
  version TEXT PRIMARY KEY,
  checksum TEXT NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`;

/**
 * Applies every migration not yet recorded in `hearth_migrations`, runtime tables first, then `sources`
 * in order; returns the versions it applied. Migrations must be idempotent (see applyOne).
 * @example await migrate(sql, { log, sources: await functionMigrationSources('functions') })
 */
export async function migrate(store: SqlStore, options: MigrateOptions = {}): Promise<string[]> {
  await ensureMigrationsTable(store);
  const known = await store.query<{ version: string; checksum: string }>(
    'SELECT version, checksum FROM hearth_migrations',
  );
  const recorded = new Map(known.rows.map((row) => [row.version, row.checksum]));
  const applied: string[] = [];
  const namespaces = new Set<string>();
  for (const source of [runtimeMigrations, ...(options.sources ?? [])]) {
    if (namespaces.has(source.namespace)) continue;
    namespaces.add(source.namespace);
    for (const migration of await loadMigrations(source)) {
      const checksum = recorded.get(migration.version) ?? (await applyOne(store, migration));
      if (checksum === undefined) {
        applied.push(migration.version);
        options.log?.info('applied SQL migration', { version: migration.version });
      } else if (checksum !== migration.checksum) {
        // Editing an applied migration does nothing; say so instead of failing the deploy.
        options.log?.warn('SQL migration changed after it was applied; add a new migration instead', {
          version: migration.version,
        });
      }
    }
  }
  return applied;
}

/**
 * Applies one migration; returns undefined when this call applied it, else the recorded checksum.
 * The schema change commits in a transaction of its own and the version row after it: CockroachDB
 * refuses a schema change after a write in the same transaction. So migrations must be idempotent
 * (IF NOT EXISTS, OR REPLACE, ON CONFLICT): two processes starting together may both run one, and a
 * crash between the two steps runs it again.
 */
async function applyOne(store: SqlStore, migration: Migration): Promise<string | undefined> {
  const recorded = await checksumOf(store, migration.version);
  if (recorded !== undefined) return recorded;
  for (let attempt = 1; ; attempt += 1) {
    try {
      // No parameters: the simple query protocol runs every statement of the file.
      await store.transaction((tx) => tx.query(migration.sql));
      break;
    } catch (error) {
      const state = sqlStateOf(error instanceof HearthError ? (error.cause ?? error) : error);
      if (attempt < 5 && state !== undefined && CATALOG_RACE.has(state)) continue;
      const reason = error instanceof Error ? error.message : String(error);
      throw new HearthError(`SQL migration ${migration.version} failed: ${reason}`, {
        code: 'sql_migration_failed',
        cause: error,
      });
    }
  }
  const inserted = await store.query(
    'INSERT INTO hearth_migrations (version, checksum) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING RETURNING version',
    [migration.version, migration.checksum],
  );
  return inserted.rowCount === 0 ? ((await checksumOf(store, migration.version)) ?? migration.checksum) : undefined;
}

async function checksumOf(store: SqlStore, version: string): Promise<string | undefined> {
  const { rows } = await store.query<{ checksum: string }>(
    'SELECT checksum FROM hearth_migrations WHERE version = $1',
    [version],
  );
  return rows[0]?.checksum;
}

const CATALOG_RACE = new Set(['23505', '42P07', '42710', '40001']);

/**
 * Concurrent CREATE TABLE IF NOT EXISTS can still collide on PostgreSQL's catalog (23505 unique
 * violation, 42P07 duplicate table, 42710 duplicate type) when processes start together; the loser
 * just runs it again and finds the table.
 */
async function ensureMigrationsTable(store: SqlStore): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await store.query(CREATE_TABLE);
      return;
    } catch (error) {
      const state = sqlStateOf(error);
      if (attempt >= 5 || state === undefined || !CATALOG_RACE.has(state)) throw error;
    }
  }
}
