import { fileURLToPath } from 'node:url';

/**
 * The agent runtime's SQL migrations, in the `{ namespace, dir }` shape the SQL adapter's runner takes.
 * @example await migrate(sql, { sources: [agentMigrations] })
 */
export const agentMigrations: { namespace: string; dir: string } = {
  namespace: 'hearth-agent',
  dir: fileURLToPath(new URL('./migrations/', import.meta.url)),
};
