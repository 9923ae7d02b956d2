/**
 * Helpers for the Dapr tests: the app callback mounted in a plain node:http server over a real
 * PgEffectStore (fresh schema, runtime migrations) and the real KV adapter, and a real daprd
 * (scripts/daprd/build.sh) started self-hosted beside it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { daprRoutes, type DaprRoutesOptions } from '../../shared/adapters/dapr/index.ts';
import { UpstashKvStore } from '../../shared/adapters/kv/index.ts';
import { migrate, PgEffectStore, type PgSqlStore } from '../../shared/adapters/sql/index.ts';
import { jsonLogger } from '../../shared/core/index.ts';
import type { AnyFunction, InvokeHook, KvStore } from '../../shared/core/index.ts';
import { TEST_DATABASE_URL, testSqlStore } from '../support/pg.ts';
import { serveRoute } from '../support/route-server.ts';
import { startUpstashRestServer } from '../support/upstash-rest-server.ts';

export interface AppHarness {
  url: string;
  port: number;
  sql: PgSqlStore;
  /** DATABASE_URL for daprd's state store: the test's schema, so Dapr's tables are dropped with it. */
  databaseUrl: string;
  kv: KvStore;
  close(): Promise<void>;
}

/**
 * Starts the app; `setup` creates the test's tables before the server takes requests.
 * @example const app = await startDaprApp([fn], (sql) => sql.query('CREATE TABLE ...'))
 */
export async function startDaprApp(
  functions: readonly AnyFunction[],
  setup: (sql: PgSqlStore) => Promise<unknown>,
  options: DaprRoutesOptions & { hooks?: InvokeHook[] } = {},
): Promise<AppHarness> {
  const { store: sql, schema, cleanup } = await testSqlStore('dapr');
  await migrate(sql);
  await setup(sql);
  const rest = await startUpstashRestServer();
  const kv = new UpstashKvStore({ url: rest.url, token: rest.token });
  const log = jsonLogger({ level: 'silent' });
  const deps = { effects: new PgEffectStore(sql), database: sql, kv, log, hooks: options.hooks ?? [] };
  const route = daprRoutes(functions, deps, options);
  const { server, port } = await serveRoute(route);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    sql,
    databaseUrl: `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}search_path=${schema.name}`,
    kv,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rest.close();
      await cleanup();
    },
  };
}

const repoRoot = path.resolve(import.meta.dirname, '../..');

/**
 * Path of the daprd binary, building it on first use (minutes when cold; cached in ~/.cache/hearth/bin).
 * @example const bin = await daprdBinary()
 */
export async function daprdBinary(): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [path.join(repoRoot, 'scripts/daprd/build.sh')], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.trim();
}

export interface Daprd {
  /** Everything daprd logged so far (JSON lines). */
  logs(): string;
  httpPort: number;
  stop(): Promise<void>;
}

/**
 * Starts daprd self-hosted (no placement, no scheduler) for `appId` on `appPort`, loading `resourcesPath`,
 * and waits until its outbound health endpoint answers (components loaded, app reached).
 * @example const daprd = await startDaprd({ appId, appPort: app.port, resourcesPath: dir, env })
 */
export async function startDaprd(options: {
  appId: string;
  appPort: number;
  resourcesPath: string | readonly string[];
  env?: Record<string, string>;
}): Promise<Daprd> {
  const bin = await daprdBinary();
  const [httpPort, grpcPort, metricsPort, internalPort] = (await freePorts(4)) as [number, number, number, number];
  const args = [
    '--app-id',
    options.appId,
    '--app-port',
    String(options.appPort),
    '--app-protocol',
    'http',
    ...[options.resourcesPath].flat().flatMap((dir) => ['--resources-path', dir]),
    '--dapr-http-port',
    String(httpPort),
    '--dapr-grpc-port',
    String(grpcPort),
    '--dapr-internal-grpc-port',
    String(internalPort),
    '--metrics-port',
    String(metricsPort),
    '--placement-host-address',
    '',
    '--scheduler-host-address',
    '',
    '--log-as-json',
    '--log-level',
    'info',
    '--dapr-graceful-shutdown-seconds',
    '1',
  ];
  let output = '';
  const child: ChildProcess = spawn(bin, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`daprd exited with ${child.exitCode}:\n${output}`);
    const ok = await fetch(`http://127.0.0.1:${httpPort}/v1.0/healthz`).then(
      (r) => r.status === 204,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`daprd not healthy after 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    logs: () => output,
    httpPort,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  const ports: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    ports.push((server.address() as AddressInfo).port);
  }
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

/**
 * The error-level lines daprd logged (JSON log format), e.g. a component that failed to load.
 * @example expect(errorLines(daprd.logs())).toEqual([])
 */
export function errorLines(logs: string): string[] {
  return logs
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .filter((line) => {
      try {
        const level = (JSON.parse(line) as { level?: string }).level;
        return level === 'error' || level === 'fatal';
      } catch {
        return false;
      }
    });
}
