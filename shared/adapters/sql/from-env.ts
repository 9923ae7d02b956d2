import { ConfigError } from '../../core/index.ts';
import type { Logger } from '../../core/index.ts';
import type { PoolConfig } from 'pg';
import { PgSqlStore, type PgSqlStoreOptions } from './store.ts';

/** The validated SQL settings of the environment. */
export interface SqlEnvConfig {
  connectionString: string;
  poolMax: number | undefined;
  /** Upper bound of one statement, so a query stuck on a lock frees its key and is retried. */
  statementTimeoutMs: number;
}

const EXAMPLE =
  'e.g. postgres://hearth:hearth@localhost:5432/hearth or postgresql://root@cockroach:26257/defaultdb?sslmode=verify-full';

/**
 * Validates DATABASE_URL and HEARTH_SQL_POOL_MAX; throws a ConfigError naming the variable. The URL is
 * never echoed back because it usually carries a password.
 * @example const { connectionString } = readSqlEnv(process.env)
 */
export function readSqlEnv(env: Record<string, string | undefined>): SqlEnvConfig {
  const raw = env['DATABASE_URL']?.trim();
  if (!raw) throw new ConfigError('DATABASE_URL', `is not set; expected a PostgreSQL/CockroachDB URL, ${EXAMPLE}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL', `is not a valid URL; expected ${EXAMPLE}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(
      'DATABASE_URL',
      `has scheme "${url.protocol}" but must use postgres: or postgresql:, ${EXAMPLE}`,
    );
  }
  if (!url.hostname) throw new ConfigError('DATABASE_URL', `has no host name, ${EXAMPLE}`);
  if (url.pathname.length <= 1)
    throw new ConfigError('DATABASE_URL', `names no database (the path after the host), ${EXAMPLE}`);
  const rawMax = env['HEARTH_SQL_POOL_MAX']?.trim();
  let poolMax: number | undefined;
  if (rawMax) {
    poolMax = Number(rawMax);
    if (!Number.isInteger(poolMax) || poolMax < 2 || poolMax > 1_000) {
      throw new ConfigError(
        'HEARTH_SQL_POOL_MAX',
        `must be an integer from 2 to 1000 (event transactions may hold all but an eighth of them, at least one stays free for steps, journal and outbox), got "${rawMax.slice(0, 40)}"`,
      );
    }
  }
  const rawTimeout = env['HEARTH_SQL_STATEMENT_TIMEOUT_MS']?.trim();
  const statementTimeoutMs = rawTimeout ? Number(rawTimeout) : 60_000;
  if (!Number.isInteger(statementTimeoutMs) || statementTimeoutMs < 100 || statementTimeoutMs > 86_400_000) {
    throw new ConfigError(
      'HEARTH_SQL_STATEMENT_TIMEOUT_MS',
      `must be an integer from 100 to 86400000 (ms), got "${(rawTimeout ?? '').slice(0, 40)}"`,
    );
  }
  return { connectionString: raw, poolMax, statementTimeoutMs };
}

/**
 * The pg pool settings of a validated configuration (statement_timeout works on PostgreSQL and
 * CockroachDB alike).
 * @example new PgSqlStore({ pool: poolConfigOf(readSqlEnv(process.env)) })
 */
export function poolConfigOf(config: SqlEnvConfig): PoolConfig {
  return {
    connectionString: config.connectionString,
    max: config.poolMax ?? 10,
    connectionTimeoutMillis: 10_000,
    statement_timeout: config.statementTimeoutMs,
    // Queries issued together (handlers of several keys in one transaction) share round trips.
    pipeline: true,
  };
}

/**
 * How many of the pool's connections event transactions may hold at once (a short function's handler
 * holds one while it runs). The rest stay free for everything else (durable steps' journal,
 * ctx.database, the relay, sweeps), each of which holds a connection for one statement or one short
 * transaction and never waits for a second: a handler holding a transaction can always get its
 * ctx.database connection, so the pool cannot deadlock.
 * @example transactionShareOf(readSqlEnv(process.env)) // 9 of the default 10
 */
export function transactionShareOf(config: SqlEnvConfig): number {
  const total = config.poolMax ?? 10;
  return total - Math.max(1, Math.floor(total / 8));
}

/**
 * Builds a {@link PgSqlStore} from DATABASE_URL (required) and HEARTH_SQL_POOL_MAX (optional, default 10).
 * @example const sql = pgSqlStoreFromEnv(process.env, { log })
 */
export function pgSqlStoreFromEnv(
  env: Record<string, string | undefined>,
  options: { log?: Logger } & Omit<PgSqlStoreOptions, 'pool' | 'log'> = {},
): PgSqlStore {
  const config = readSqlEnv(env);
  return new PgSqlStore({
    ...options,
    pool: poolConfigOf(config),
  });
}
