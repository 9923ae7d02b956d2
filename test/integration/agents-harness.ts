/**
 * Shared setup of the multi-agent example suites: a fresh schema seeded with `hearth seed`, a unique
 * topic prefix, real `hearth dev` processes on free ports, JWT minting and SSE reading.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import pg from 'pg';
import { cleanupKafka, testKafkaTransport, waitUntil } from '../support/kafka.ts';
import { databaseUrlForSchema, startHostProcess, type HostProcess } from '../support/host-process.ts';
import { createTestSchema, type TestSchema } from '../support/pg.ts';
import { freePort } from '../support/ports.ts';

export const JWT = {
  secret: 'test-secret-with-at-least-32-characters!',
  issuer: 'hearth-tests',
  audience: 'hearth-tasks',
};
export const API_FUNCTIONS = ['tasks-submit', 'tasks-get', 'tasks-events', 'tasks-run', 'tasks-input', 'tasks-cancel'];
export const CONTROL_FUNCTIONS = ['orchestrator', 'supervisor', 'supervisor-sweep', 'task-control'];
export const WORKER_FUNCTIONS = ['research-agent', 'analyst-agent', 'writer-agent', 'notifier-agent'];

export interface AgentsEnv {
  schema: TestSchema;
  pool: pg.Pool;
  prefix: string;
  /** Starts `hearth dev` with these functions; `env` overrides the defaults. Resolves when /ready. */
  start(functions: readonly string[], env?: Record<string, string>): Promise<{ host: HostProcess; url: string }>;
  close(): Promise<void>;
}

/**
 * @example const env = await agentsEnv('agents_e2e'); afterAll(() => env.close())
 */
export async function agentsEnv(name: string): Promise<AgentsEnv> {
  const schema = await createTestSchema(name);
  const pool = new pg.Pool({ ...schema.poolConfig });
  const prefix = `agents-${randomBytes(4).toString('hex')}`;
  const hosts: HostProcess[] = [];
  const base = {
    DATABASE_URL: databaseUrlForSchema(schema.name),
    AGENTS_TOPIC_PREFIX: prefix,
    AGENTS_SWEEP_SCHEDULE: '* * * * * *',
    HEARTH_JWT_SECRET: JWT.secret,
    HEARTH_JWT_ISSUER: JWT.issuer,
    HEARTH_JWT_AUDIENCE: JWT.audience,
    HEARTH_JWT_ALLOWED_CALLERS: 'test-client,other-client',
    HEARTH_LLM_PROVIDER: 'offline',
    HEARTH_TOPIC_PARTITIONS: '2',
  };
  const seed = startHostProcess(['seed'], base);
  const seeded = await seed.exited;
  if (seeded.code !== 0) throw new Error(`hearth seed failed: ${seed.output()}`);
  return {
    schema,
    pool,
    prefix,
    async start(functions, env = {}) {
      const port = await freePort();
      const host = startHostProcess(['dev'], {
        ...base,
        HEARTH_FUNCTIONS: functions.join(','),
        HEARTH_HTTP_PORT: String(port),
        ...env,
      });
      hosts.push(host);
      const url = `http://127.0.0.1:${port}`;
      await waitUntil(
        `host ${functions.join(',')} ready\n${host.output()}`,
        async () => {
          if (host.child.exitCode !== null) throw new Error(`host exited: ${host.output()}`);
          return (await fetch(`${url}/ready`).catch(() => undefined))?.status === 200;
        },
        60_000,
      );
      return { host, url };
    },
    async close() {
      for (const h of hosts) if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill('SIGKILL');
      await Promise.all(hosts.map((h) => h.exited));
      await pool.end();
      await schema.drop();
      const topics = [
        'tasks',
        'results',
        'escalations',
        'supervisor',
        'answers',
        'notifications',
        'input',
        'control',
        ...['research', 'analyst', 'writer', 'notifier'].map((a) => `work.${a}`),
      ];
      const groups = [
        ...[...CONTROL_FUNCTIONS, ...WORKER_FUNCTIONS].map((f) => `hearth.${f}`),
        ...WORKER_FUNCTIONS.map((f) => `hearth.${f}.waits`),
      ];
      await cleanupKafka(
        testKafkaTransport(),
        topics.map((t) => `${prefix}.${t}`),
        groups,
      );
    },
  };
}

/**
 * A signed HS256 token; override claims to make it expired (or exp-less with `expiresIn: null`), for
 * another audience or caller, or with a `scope`.
 * @example await token({ sub: 'test-client' })
 */
export async function token(
  claims: { sub?: string; aud?: string; iss?: string; expiresIn?: string | number | null; scope?: string } = {},
): Promise<string> {
  const jwt = new SignJWT(claims.scope === undefined ? {} : { scope: claims.scope })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub ?? 'test-client')
    .setIssuer(claims.iss ?? JWT.issuer)
    .setAudience(claims.aud ?? JWT.audience)
    .setIssuedAt();
  if (claims.expiresIn !== null) jwt.setExpirationTime(claims.expiresIn ?? '5m');
  return jwt.sign(new TextEncoder().encode(JWT.secret));
}

/** One server-sent event. */
export interface SseEvent {
  event: string;
  data: unknown;
}

/**
 * Reads a server-sent-events response to its end.
 * @example const events = await readSse(await fetch(url, { headers }))
 */
export async function readSse(res: Response): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const text = await res.text();
  for (const block of text.split('\n\n')) {
    const lines = block.split('\n');
    const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
    const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
    if (event && data) events.push({ event, data: JSON.parse(data) as unknown });
  }
  return events;
}

/**
 * Polls GET /tasks/:id until the task is completed, failed or cancelled.
 * @example const task = await waitForTask(url, taskId)
 */
export async function waitForTask(url: string, taskId: string, timeoutMs = 90_000): Promise<Record<string, unknown>> {
  let task: Record<string, unknown> = {};
  const auth = { authorization: `Bearer ${await token({ expiresIn: '30m', scope: 'hearth:admin' })}` };
  await waitUntil(
    `task ${taskId} to end (last: ${JSON.stringify(task).slice(0, 400)})`,
    async () => {
      task = (await (await fetch(`${url}/tasks/${taskId}`, { headers: auth })).json()) as Record<string, unknown>;
      return ['completed', 'failed', 'cancelled'].includes(String(task['status']));
    },
    timeoutMs,
  );
  return task;
}
