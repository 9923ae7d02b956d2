import { jsonLogger } from '../../core/index.ts';
import { migrate, pgSqlStoreFromEnv } from '../../adapters/sql/index.ts';
import { migrationSources } from '../../host/runtime.ts';
import type { Command } from '../command.ts';

/** `hearth migrate`: applies pending migrations (runtime, agent layer, each function's). Idempotent. */
export const migrateCommand: Command = {
  summary: 'apply pending SQL migrations (idempotent)',
  async run(_args, env) {
    const log = jsonLogger({ level: 'warn' });
    const sql = pgSqlStoreFromEnv(env, { log });
    try {
      const applied = await migrate(sql, { log, sources: await migrationSources() });
      process.stdout.write(applied.length ? `applied ${applied.length}: ${applied.join(', ')}\n` : 'up to date\n');
      return 0;
    } finally {
      await sql.close();
    }
  },
};
