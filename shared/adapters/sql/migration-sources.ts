import { readdir, readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

/** A directory of numbered `.sql` files; versions are recorded as `<namespace>/<file name>`. */
export interface MigrationSource {
  namespace: string;
  dir: string;
}

/** One migration file, read and ready to apply. */
export interface Migration {
  version: string;
  sql: string;
  checksum: string;
}

const FILE = /^\d{3,}_[a-z0-9_-]+\.sql$/;

/** The runtime's own tables (ledger, outbox, cron ticks). Always applied first. */
export const runtimeMigrations: MigrationSource = {
  namespace: 'hearth',
  dir: fileURLToPath(new URL('./migrations/', import.meta.url)),
};

/**
 * The migrations of one function package: `functions/<name>/migrations/*.sql`, recorded as
 * `functions/<name>/<file>` so two functions can both have a `001_...`.
 * @example applicationMigrationsDir('/app/functions', 'order-ledger')
 */
export function applicationMigrationsDir(functionsDir: string, functionName: string): MigrationSource {
  return { namespace: `functions/${functionName}`, dir: join(functionsDir, functionName, 'migrations') };
}

/**
 * Every `functions/<name>/migrations` directory that exists, sorted by function name.
 * @example await migrate(sql, { sources: await functionMigrationSources('functions') })
 */
export async function functionMigrationSources(functionsDir: string): Promise<MigrationSource[]> {
  const entries = await readdir(functionsDir, { withFileTypes: true }).catch(() => []);
  const sources: MigrationSource[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const source = applicationMigrationsDir(functionsDir, entry.name);
    if (await isDirectory(source.dir)) sources.push(source);
  }
  return sources;
}

/**
 * Reads a source's migrations in file-name order; rejects names that do not look like `001_name.sql`.
 * @example const migrations = await loadMigrations(runtimeMigrations)
 */
export async function loadMigrations(source: MigrationSource): Promise<Migration[]> {
  const names = (await readdir(source.dir)).filter((name) => name.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const name of names) {
    if (!FILE.test(name)) {
      throw new Error(
        `migration ${join(source.dir, name)}: file names must look like 001_create_orders.sql (${FILE.source})`,
      );
    }
    const sql = await readFile(join(source.dir, name), 'utf8');
    if (!sql.trim()) throw new Error(`migration ${join(source.dir, name)} is empty`);
    const checksum = createHash('sha256').update(sql).digest('hex');
    migrations.push({ version: `${source.namespace}/${name}`, sql, checksum });
  }
  return migrations;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
