import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrlForSchema, serviceEnv } from '../support/host-process.ts';
import { produce, readAllRecords, testKafkaTransport, uniqueName, waitUntil } from '../support/kafka.ts';
import { unpublished } from '../support/outbox.ts';
import { createTestSchema, type TestSchema } from '../support/pg.ts';
import { buildImage, containerRssMb, podman, podmanOk } from '../support/podman.ts';
import { freePort } from '../support/ports.ts';
import { report } from '../support/report.ts';

const IMAGE = 'localhost/hearth:test';
const transport = testKafkaTransport();

/** The restrictions the Kubernetes manifests ask for, as run flags. */
const RESTRICTED = ['--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '--user', '1000:1000'];

/**
 * The image users deploy, built from the unchanged Dockerfile (on a locally built `node:24-slim`) and
 * run under a restricted profile against the local services: migrate as its command, a health check
 * that passes, `HEARTH_FUNCTIONS` selecting what it serves, exactly-once effects for events produced
 * from outside, and a SIGTERM drain that loses nothing.
 */
describe('container image', () => {
  let schema: TestSchema;
  let pool: pg.Pool;
  const names: string[] = [];

  beforeAll(async () => {
    const started = Date.now();
    await buildImage(IMAGE);
    const size = Number((await podmanOk(['image', 'inspect', '--format', '{{.Size}}', IMAGE])).trim());
    report(`container image: built in ${Math.round((Date.now() - started) / 1000)} s, ${Math.round(size / 1e6)} MB`);
    schema = await createTestSchema('image');
    pool = new pg.Pool({ ...schema.poolConfig });
  }, 1_600_000);
  afterAll(async () => {
    for (const name of names) await podman(['rm', '--force', '--time', '0', name]);
    await pool?.end();
    await schema?.drop();
  });

  /** `podman run` arguments for the image under the restricted profile, on the host's network. */
  function runArgs(name: string, env: Record<string, string>): string[] {
    names.push(name);
    const all = { ...serviceEnv, DATABASE_URL: databaseUrlForSchema(schema.name), HEARTH_LOG_LEVEL: 'warn', ...env };
    return [
      '--name',
      name,
      '--network',
      'host',
      ...RESTRICTED,
      ...Object.entries(all).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
      IMAGE,
    ];
  }

  async function recorded(agent: string): Promise<number> {
    const { rows } = await pool.query<{ calls: string }>(
      'SELECT COALESCE(SUM(calls), 0) AS calls FROM example_usage_daily WHERE agent = $1',
      [agent],
    );
    return Number(rows[0]?.calls);
  }

  async function usage(agent: string, count: number): Promise<void> {
    await produce(
      transport,
      Array.from({ length: count }, (_, i) => ({
        topic: 'agent.usage',
        key: `${agent}-${i % 16}`,
        value: JSON.stringify({ agent, sessionId: `s${i}`, model: 'm', inputTokens: 1, outputTokens: 1 }),
        headers: {},
      })),
    );
  }

  /** Distinct source events among the `agent.usage.recorded` announcements for `agent`. */
  async function announced(agent: string): Promise<{ total: number; distinct: number }> {
    const sources = (await readAllRecords(transport, 'agent.usage.recorded'))
      .map((r) => JSON.parse(r.value?.toString('utf8') ?? '{}') as { agent?: string; sourceEvent?: string })
      .filter((m) => m.agent === agent)
      .map((m) => m.sourceEvent);
    return { total: sources.length, distinct: new Set(sources).size };
  }

  async function startHost(port: number): Promise<string> {
    const name = `hearth-test-${randomUUID().slice(0, 8)}`;
    await podmanOk(['run', '--detach', ...runArgs(name, { HEARTH_FUNCTIONS: 'usage-recorder', PORT: String(port) })]);
    await waitUntil(
      `container ${name} healthy`,
      async () => (await podman(['healthcheck', 'run', name])).code === 0,
      90_000,
    );
    return name;
  }

  it('runs `hearth migrate` as its command, read-only and as a non-root user', async () => {
    const name = `hearth-migrate-${randomUUID().slice(0, 8)}`;
    const out = await podman(['run', ...runArgs(name, { HEARTH_LOG_LEVEL: 'info' }), 'migrate'], 180_000);
    expect(out.code, out.stderr).toBe(0);
    const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM hearth_migrations');
    expect(Number(rows[0]?.n)).toBeGreaterThan(10);
    await pool.query('SELECT calls FROM example_usage_daily LIMIT 1');
  }, 240_000);

  it('passes its health check, serves only HEARTH_FUNCTIONS, and records events from outside exactly once', async () => {
    const port = await freePort();
    const name = await startHost(port);
    const inspect = JSON.parse(await podmanOk(['inspect', '--format', '{{json .HostConfig}}', name])) as {
      ReadonlyRootfs: boolean;
      CapDrop: string[];
    };
    expect(inspect.ReadonlyRootfs).toBe(true);
    expect((await podmanOk(['exec', name, 'id', '-u'])).trim()).toBe('1000');
    const write = await podman(['exec', name, 'sh', '-c', 'echo x > /app/probe']);
    expect(write.code).not.toBe(0);
    expect(write.stderr).toMatch(/Read-only file system/);

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const served = [...metrics.matchAll(/^hearth_function_up\{function="([^"]+)"/gm)].map((m) => m[1]);
    expect(served).toEqual(['usage-recorder']);
    report(`container image: idle RSS of a one-function host ${await containerRssMb(name)} MB`);

    const agent = uniqueName('image');
    await usage(agent, 500);
    await waitUntil('500 recorded', async () => (await recorded(agent)) >= 500, 120_000);
    await waitUntil('outbox empty', async () => (await unpublished(pool)) === 0, 60_000);
    expect(await recorded(agent)).toBe(500);
    expect(await announced(agent)).toEqual({ total: 500, distinct: 500 });
    await podmanOk(['rm', '--force', '--time', '0', name]);
  }, 300_000);

  it('drains on `podman stop` (SIGTERM) inside the timeout and loses nothing', async () => {
    const port = await freePort();
    const first = await startHost(port);
    const agent = uniqueName('image-drain');
    const EVENTS = 3_000;
    await usage(agent, EVENTS);
    await waitUntil('processing started', async () => (await recorded(agent)) > 0, 60_000);
    const stopping = Date.now();
    await podmanOk(['stop', '--time', '30', first], 60_000);
    const stopMs = Date.now() - stopping;
    const exitCode = Number((await podmanOk(['inspect', '--format', '{{.State.ExitCode}}', first])).trim());
    const logs = await podman(['logs', first]);
    report(
      `container image: SIGTERM drain took ${stopMs} ms, exit ${exitCode}, ${await recorded(agent)} of ${EVENTS} recorded at stop`,
    );
    // 0, not 137: the host drained and exited by itself before podman's 30 s SIGKILL.
    expect(exitCode, logs.stderr + logs.stdout).toBe(0);

    const second = await startHost(port);
    await waitUntil(`${EVENTS} recorded`, async () => (await recorded(agent)) >= EVENTS, 180_000);
    await waitUntil('outbox empty', async () => (await unpublished(pool)) === 0, 60_000);
    expect(await recorded(agent)).toBe(EVENTS);
    // Every event announced under its own id; a re-sent announcement keeps its id (consumers dedupe).
    expect((await announced(agent)).distinct).toBe(EVENTS);
    const dead = (await readAllRecords(transport, 'usage-recorder.dlq')).filter((r) =>
      (r.value?.toString('utf8') ?? '').includes(agent),
    );
    expect(dead).toHaveLength(0);
    await podmanOk(['stop', '--time', '30', second], 60_000);
  }, 420_000);
});
