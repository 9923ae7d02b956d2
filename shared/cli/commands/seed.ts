import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { jsonLogger, type SqlStore } from '../../core/index.ts';
import { migrate, pgSqlStoreFromEnv } from '../../adapters/sql/index.ts';
import { readHostConfig } from '../../host/config.ts';
import { FUNCTIONS_DIR } from '../../host/registry.ts';
import { migrationSources } from '../../host/runtime.ts';
import { parseArgs, UsageError, type Command } from '../command.ts';

type Seeder = (sql: SqlStore) => Promise<string>;

/**
 * `hearth seed [name...]`: applies migrations, then runs the default export of every
 * `functions/<name>/seed.ts` (or only the named ones), e.g. sample data for the examples. Seeders are
 * idempotent, so seeding twice changes nothing.
 */
export const seedCommand: Command = {
  summary: 'load sample data: runs functions/<name>/seed.ts after migrating (idempotent)',
  async run(args, env) {
    const { positional } = parseArgs(args);
    const dir = readHostConfig(env).HEARTH_FUNCTIONS_DIR ?? FUNCTIONS_DIR;
    const seeders = await findSeeders(dir);
    const unknown = positional.filter((name) => !seeders.has(name));
    if (unknown.length > 0) {
      throw new UsageError(
        `no seed.ts for ${unknown.join(', ')}; seedable: ${[...seeders.keys()].join(', ') || '(none)'}`,
      );
    }
    const log = jsonLogger({ level: 'warn' });
    const sql = pgSqlStoreFromEnv(env, { log });
    try {
      await migrate(sql, { log, sources: await migrationSources(dir) });
      for (const [name, file] of seeders) {
        if (positional.length > 0 && !positional.includes(name)) continue;
        const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
        if (typeof mod.default !== 'function') throw new Error(`${file} must export default async (sql) => summary`);
        process.stdout.write(`${name}: ${await (mod.default as Seeder)(sql)}\n`);
      }
      return 0;
    } finally {
      await sql.close();
    }
  },
};

async function findSeeders(dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const entry of (await readdir(dir)).sort()) {
    const file = path.join(dir, entry, 'seed.ts');
    if (
      await stat(file).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      found.set(entry, file);
  }
  return found;
}
