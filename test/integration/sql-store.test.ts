import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, jsonLogger } from '../../shared/core/index.ts';
import {
  PgSqlStore,
  pgSqlStoreFromEnv,
  SqlCommitUnknownError,
  SqlRetriesExhaustedError,
  SqlTxAbortedError,
  SqlTxFinishedError,
  type SqlRetryInfo,
} from '../../shared/adapters/sql/index.ts';
import type { SqlTx } from '../../shared/core/index.ts';
import { createTestSchema, TEST_DATABASE_URL, testSqlStore, type TestSchema } from '../support/pg.ts';

describe('PgSqlStore', () => {
  const retries: SqlRetryInfo[] = [];
  let store: PgSqlStore;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ store, cleanup } = await testSqlStore('sql_store', { onRetry: (info) => retries.push(info) }));
    await store.query('CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL)');
    await store.query('CREATE TABLE notes (id TEXT PRIMARY KEY)');
  });
  afterAll(() => cleanup());

  it('commits the work and returns its value', async () => {
    const value = await store.transaction(async (tx) => {
      await tx.query('INSERT INTO notes (id) VALUES ($1)', ['committed']);
      return 42;
    });
    expect(value).toBe(42);
    const { rows } = await store.query('SELECT id FROM notes WHERE id = $1', ['committed']);
    expect(rows).toEqual([{ id: 'committed' }]);
  });

  it('rolls back when the work throws and rethrows the same error', async () => {
    const boom = new Error('boom');
    await expect(
      store.transaction(async (tx) => {
        await tx.query('INSERT INTO notes (id) VALUES ($1)', ['rolled-back']);
        throw boom;
      }),
    ).rejects.toBe(boom);
    const { rowCount } = await store.query('SELECT id FROM notes WHERE id = $1', ['rolled-back']);
    expect(rowCount).toBe(0);
  });

  it('re-runs a transaction that hit a real serialization failure (40001) until it commits', async () => {
    await store.query('INSERT INTO counters (id, n) VALUES (1, 0)');
    const before = retries.filter((r) => r.reason === 'serialization').length;
    let firstReads = 0;
    let releaseBarrier: () => void = () => undefined;
    const bothRead = new Promise<void>((resolve) => (releaseBarrier = resolve));
    const increment = (): Promise<number> => {
      let attempt = 0;
      return store.transaction(async (tx) => {
        attempt += 1;
        const { rows } = await tx.query<{ n: number }>('SELECT n FROM counters WHERE id = 1');
        const n = rows[0]?.n ?? -1;
        if (attempt === 1) {
          // Both transactions read the same value before either writes: a lost update unless retried.
          firstReads += 1;
          if (firstReads === 2) releaseBarrier();
          await bothRead;
        }
        await tx.query('UPDATE counters SET n = $1 WHERE id = 1', [n + 1]);
        return attempt;
      });
    };
    const attempts = await Promise.all([increment(), increment()]);
    const { rows } = await store.query<{ n: number }>('SELECT n FROM counters WHERE id = 1');
    expect(rows[0]?.n).toBe(2);
    expect(Math.max(...attempts)).toBeGreaterThan(1);
    const serializationRetries = retries.filter((r) => r.reason === 'serialization').slice(before);
    expect(serializationRetries.length).toBeGreaterThanOrEqual(1);
    expect(serializationRetries.map((r) => (r.error as { code?: string }).code)).toContain('40001');
    expect(store.retries).toBeGreaterThanOrEqual(1);
  });

  it('gives up after the bounded number of attempts with a clear error', async () => {
    const { store: limited, cleanup: done } = await testSqlStore('sql_limited', {
      txRetry: { attempts: 3, initialDelayMs: 1 },
    });
    try {
      let runs = 0;
      const error: unknown = await limited
        .transaction(async (tx) => {
          runs += 1;
          // A genuine server-side 40001, raised by PostgreSQL itself.
          await tx.query(`DO $$ BEGIN RAISE EXCEPTION 'forced conflict' USING ERRCODE = '40001'; END $$`);
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SqlRetriesExhaustedError);
      expect((error as SqlRetriesExhaustedError).attempts).toBe(3);
      expect((error as Error).message).toMatch(/after 3 attempts.*40001/);
      expect(runs).toBe(3);
    } finally {
      await done();
    }
  });

  it('refuses queries on a transaction after it committed or rolled back', async () => {
    let kept: SqlTx | undefined;
    await store.transaction(async (tx) => {
      kept = tx;
      await tx.query('SELECT 1');
    });
    await expect(kept!.query('SELECT 1')).rejects.toBeInstanceOf(SqlTxFinishedError);
    await expect(kept!.query('SELECT 1')).rejects.toThrow(/already committed/);

    await store
      .transaction(async (tx) => {
        kept = tx;
        await tx.query('SELECT 1');
        // Like invoke() giving up on a handler that timed out while it still holds ctx.sql.
        throw new Error('handler did not finish in time');
      })
      .catch(() => undefined);
    await expect(kept!.query('INSERT INTO notes (id) VALUES ($1)', ['late'])).rejects.toThrow(/already rolled back/);
    const { rowCount } = await store.query('SELECT id FROM notes WHERE id = $1', ['late']);
    expect(rowCount).toBe(0);
  });

  it('reports a swallowed statement error instead of pretending the commit worked', async () => {
    const error: unknown = await store
      .transaction(async (tx) => {
        await tx.query('INSERT INTO notes (id) VALUES ($1)', ['swallowed']);
        await tx.query('SELECT * FROM no_such_table').catch(() => undefined);
        return 'ok';
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlTxAbortedError);
    expect((error as Error).message).toMatch(/no_such_table/);
    const { rowCount } = await store.query('SELECT id FROM notes WHERE id = $1', ['swallowed']);
    expect(rowCount).toBe(0);
  });
});

describe('PgSqlStore when the database goes away', () => {
  let schema: TestSchema;
  let proxy: TcpProxy;
  beforeAll(async () => {
    schema = await createTestSchema('sql_outage');
    proxy = await tcpProxy(Number(new URL(TEST_DATABASE_URL).port || 5432));
  });
  afterAll(async () => {
    await proxy.stop();
    await schema.drop();
  });

  function proxiedStore(onRetry: (info: SqlRetryInfo) => void, lines: string[]): PgSqlStore {
    const url = new URL(TEST_DATABASE_URL);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    return new PgSqlStore({
      pool: { ...schema.poolConfig, connectionString: url.toString() },
      connectRetry: { attempts: 50, initialDelayMs: 20, maxDelayMs: 100 },
      onRetry,
      log: jsonLogger({ level: 'debug', write: (line) => lines.push(line) }),
    });
  }

  async function outage(name: string, waitForIdleError: boolean): Promise<{ reasons: string[]; lines: string[] }> {
    const lines: string[] = [];
    let sawConnectionRetry: () => void = () => undefined;
    const connectionRetry = new Promise<void>((resolve) => (sawConnectionRetry = resolve));
    const reasons: string[] = [];
    const store = proxiedStore((info) => {
      reasons.push(info.reason);
      if (info.reason === 'connection') sawConnectionRetry();
    }, lines);
    try {
      await store.query(`CREATE TABLE IF NOT EXISTS ${name} (id INT PRIMARY KEY)`);
      // "Restart": drop every connection and refuse new ones until a transaction has had to retry.
      await proxy.down();
      if (waitForIdleError) await until(() => lines.some((line) => line.includes('idle SQL connection failed')));
      const pending = store.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${name} (id) VALUES (1)`);
        return 'written';
      });
      await connectionRetry;
      await proxy.up();
      await expect(pending).resolves.toBe('written');
      const { rows } = await store.query(`SELECT id FROM ${name}`);
      expect(rows).toEqual([{ id: 1 }]);
      return { reasons, lines };
    } finally {
      await store.close();
    }
  }

  it('retries a transaction whose pooled connection died before BEGIN', async () => {
    const { reasons, lines } = await outage('outage_begin', false);
    expect(reasons).toContain('connection');
    expect(lines.join('')).toMatch(/SQL connection failed|idle SQL connection failed/);
  });

  it('handles idle connections dropping, then retries until the database accepts connections', async () => {
    const { reasons, lines } = await outage('outage_idle', true);
    expect(reasons).toContain('connection');
    expect(lines.join('')).toContain('ECONNREFUSED');
  });

  it('surfaces a lost COMMIT as SqlCommitUnknownError without re-running the work', async () => {
    const reasons: string[] = [];
    const store = proxiedStore((info) => reasons.push(info.reason), []);
    try {
      await store.query('CREATE TABLE IF NOT EXISTS commit_lost (id INT PRIMARY KEY)');
      proxy.cutOn('COMMIT');
      let runs = 0;
      const error: unknown = await store
        .transaction(async (tx) => {
          runs += 1;
          await tx.query('INSERT INTO commit_lost (id) VALUES (1)');
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SqlCommitUnknownError);
      expect(runs).toBe(1);
      expect(reasons).toEqual([]);
    } finally {
      proxy.cutOn(undefined);
      await store.close();
    }
  });
});

describe('pgSqlStoreFromEnv', () => {
  it('names DATABASE_URL when it is missing', () => {
    expect(() => pgSqlStoreFromEnv({})).toThrow(ConfigError);
    expect(() => pgSqlStoreFromEnv({})).toThrow(/^DATABASE_URL is not set/);
  });

  it('names DATABASE_URL and the problem for garbage or a wrong scheme', () => {
    expect(() => pgSqlStoreFromEnv({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL is not a valid URL/);
    expect(() => pgSqlStoreFromEnv({ DATABASE_URL: 'mysql://u:p@db:3306/app' })).toThrow(
      /DATABASE_URL has scheme "mysql:"/,
    );
    expect(() => pgSqlStoreFromEnv({ DATABASE_URL: 'postgres://u:p@db:5432' })).toThrow(
      /DATABASE_URL names no database/,
    );
  });

  it('names HEARTH_SQL_POOL_MAX and never echoes the password', () => {
    const run = (): unknown =>
      pgSqlStoreFromEnv({ DATABASE_URL: 'postgres://u:s3cretpw@db:5432/app', HEARTH_SQL_POOL_MAX: 'lots' });
    expect(run).toThrow(/^HEARTH_SQL_POOL_MAX must be an integer/);
    expect(run).not.toThrow(/s3cretpw/);
  });

  it('builds a working store from a valid environment', async () => {
    const store = pgSqlStoreFromEnv({ DATABASE_URL: TEST_DATABASE_URL, HEARTH_SQL_POOL_MAX: '2' });
    try {
      await expect(store.ping()).resolves.toBeUndefined();
    } finally {
      await store.close();
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface TcpProxy {
  port: number;
  /** Destroys every connection and stops accepting (connections are refused). */
  down(): Promise<void>;
  up(): Promise<void>;
  /** Cuts the connection, without forwarding, when a client message contains `text`. */
  cutOn(text: string | undefined): void;
  stop(): Promise<void>;
}

/** A real TCP hop in front of PostgreSQL so a test can take "the database" away without touching it. */
async function tcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let cut: Buffer | undefined;
  let server: Server | undefined;
  let port = 0;
  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect(targetPort, '127.0.0.1');
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => undefined);
        }
        client.on('data', (chunk: Buffer) => {
          if (cut && chunk.includes(cut)) {
            client.destroy();
            upstream.destroy();
          } else {
            upstream.write(chunk);
          }
        });
        upstream.pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        const address = s.address();
        if (address && typeof address === 'object') port = address.port;
        resolve();
      });
    });
  const down = async (): Promise<void> => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  return {
    get port() {
      return port;
    },
    down,
    up: listen,
    cutOn: (text) => (cut = text === undefined ? undefined : Buffer.from(text)),
    stop: down,
  };
}
