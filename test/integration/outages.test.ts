import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { produce, readAllRecords, testKafkaTransport, uniqueName, waitUntil } from '../support/kafka.ts';
import { databaseUrlForSchema, repoRoot, startHostProcess, type HostProcess } from '../support/host-process.ts';
import { createTestSchema, type TestSchema } from '../support/pg.ts';
import { unpublished } from '../support/outbox.ts';
import { freePort } from '../support/ports.ts';

const run = promisify(execFile);
const transport = testKafkaTransport();
const EVENTS = 5_000;
/** How long each dependency stays down. */
const OUTAGE_MS = Number(process.env['HEARTH_TEST_OUTAGE_MS'] ?? 180_000);

/**
 * Outages pause work; they never dead-letter it. The `usage-recorder` example (SQL upsert, KV write, emit)
 * runs under a 5,000-event load while PostgreSQL, Redis and then Kafka are each stopped for three
 * minutes: every time, no event is dead-lettered, lost or doubled, and /ready names what is down.
 */
describe('outages pause instead of dead-lettering', () => {
  let schema: TestSchema;
  let pool: pg.Pool;
  let host: HostProcess;
  let url: string;

  beforeAll(async () => {
    schema = await createTestSchema('outages');
    pool = new pg.Pool({ ...schema.poolConfig });
    pool.on('error', () => undefined);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    host = startHostProcess(['dev'], {
      DATABASE_URL: databaseUrlForSchema(schema.name),
      HEARTH_FUNCTIONS: 'usage-recorder',
      HEARTH_HTTP_PORT: String(port),
    });
    await waitUntil(
      `host ready\n${host.output()}`,
      async () => (await fetch(`${url}/ready`).catch(() => undefined))?.status === 200,
      60_000,
    );
  });
  afterAll(async () => {
    host?.child.kill('SIGKILL');
    await pool.end();
    await schema.drop();
  });

  async function recorded(agent: string): Promise<number> {
    const { rows } = await pool.query<{ calls: string }>(
      'SELECT COALESCE(SUM(calls), 0) AS calls FROM example_usage_daily WHERE agent = $1',
      [agent],
    );
    return Number(rows[0]?.calls);
  }

  it.each(['postgres', 'redis', 'kafka'] as const)(
    `%s down for ${OUTAGE_MS / 1000} s under ${EVENTS} events: 0 dead letters, 0 lost, 0 doubled`,
    async (service) => {
      const agent = uniqueName(`load-${service}`);
      await produce(
        transport,
        Array.from({ length: EVENTS }, (_, i) => ({
          topic: 'agent.usage',
          key: `${agent}-${i % 16}`,
          value: JSON.stringify({ agent, sessionId: `s${i}`, model: 'm', inputTokens: 1, outputTokens: 1 }),
          headers: {},
        })),
      );
      await waitUntil('processing started', async () => (await recorded(agent)) > 0, 60_000);
      await run('bash', [path.join(repoRoot, 'scripts/services.sh'), 'stop', service]);
      const dependency = { postgres: 'sql', redis: 'kv', kafka: 'kafka' }[service];
      const named: string[] = [];
      const until = Date.now() + OUTAGE_MS;
      try {
        while (Date.now() < until) {
          const ready = await fetch(`${url}/ready`).catch(() => undefined);
          if (ready) {
            const body = (await ready.json()) as { down?: string[] };
            if (ready.status === 503 && body.down?.includes(dependency)) named.push(dependency);
          }
          expect(host.child.exitCode, host.output()).toBeNull();
          await new Promise((resolve) => setTimeout(resolve, 5_000));
        }
      } finally {
        await run('bash', [path.join(repoRoot, 'scripts/services.sh'), 'start', service]);
      }
      expect(named.length, `/ready never named ${dependency}`).toBeGreaterThan(0);
      await waitUntil(
        `all ${EVENTS} recorded\n${host.output()}`,
        async () => (await recorded(agent).catch(() => 0)) >= EVENTS,
        300_000,
      );
      await waitUntil(
        'outbox empty',
        async () => {
          return (await unpublished(pool)) === 0;
        },
        120_000,
      );
      expect(await recorded(agent)).toBe(EVENTS);
      const out = (await readAllRecords(transport, 'agent.usage.recorded')).filter(
        (r) => (JSON.parse(r.value?.toString('utf8') ?? '{}') as { agent?: string }).agent === agent,
      );
      expect(
        new Set(out.map((r) => (JSON.parse(r.value?.toString('utf8') ?? '{}') as { sourceEvent: string }).sourceEvent))
          .size,
      ).toBe(EVENTS);
      const dead = (await readAllRecords(transport, 'usage-recorder.dlq')).filter((r) =>
        (r.value?.toString('utf8') ?? '').includes(agent),
      );
      expect(dead).toHaveLength(0);
      expect(host.child.exitCode, host.output()).toBeNull();
      expect((await fetch(`${url}/ready`)).status).toBe(200);
    },
    OUTAGE_MS + 600_000,
  );
});
