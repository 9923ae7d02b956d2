import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** Connection settings of the local services (scripts/services.sh), overridable by the environment. */
export const serviceEnv = {
  KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? 'localhost:9092',
  DATABASE_URL: process.env['DATABASE_URL'] ?? 'postgres://hearth:hearth@localhost:5432/hearth',
  UPSTASH_REDIS_REST_URL: process.env['UPSTASH_REDIS_REST_URL'] ?? 'http://localhost:8079',
  UPSTASH_REDIS_REST_TOKEN: process.env['UPSTASH_REDIS_REST_TOKEN'] ?? 'hearth-local-token',
};

/**
 * DATABASE_URL whose connections see only `schema` (pg's `options` parameter sets search_path), so a
 * host process under test migrates and writes into a throwaway schema.
 */
export function databaseUrlForSchema(schema: string): string {
  const url = new URL(serviceEnv.DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

export const repoRoot = path.resolve(import.meta.dirname, '../..');
const cli = path.join(repoRoot, 'shared/cli/hearth.ts');
/** The CLI as `npm run build` leaves it in dist/ (what the container image runs). */
export const BUILT_CLI = path.join(repoRoot, 'dist/shared/cli/hearth.js');

/** A `hearth dev` child process with its output kept for diagnostics. */
export interface HostProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `node shared/cli/hearth.ts <args>` (or another `entry`, such as {@link BUILT_CLI}) with the local
 * services' environment plus `env`, in `cwd` (the repo by default).
 * @example const host = startHostProcess(['dev'], { HEARTH_FUNCTIONS: 'effect-counter' })
 */
export function startHostProcess(
  args: string[],
  env: Record<string, string>,
  entry: string = cli,
  cwd: string = repoRoot,
): HostProcess {
  const child = spawn(process.execPath, [entry, ...args], {
    cwd,
    env: { ...process.env, ...serviceEnv, HEARTH_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk: Buffer): void => {
    out = (out + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exited };
}
