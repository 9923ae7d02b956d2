// Hearth functions behind a REAL daprd (scripts/daprd/build.sh, self-hosted: no placement, no scheduler)
// loading the generated components and resiliency policies, against the real Kafka and PostgreSQL:
// pub/sub delivery with the record's CloudEvent fields, redelivery without a second effect, bad input
// DROPped to the dead-letter topic, transient failures retried by Dapr, and the cron binding firing.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildDaprResources } from '../../infra/dapr/resources.ts';
import { SELF_HOSTED_DAPR_SETTINGS } from '../../infra/dapr/settings.ts';
import type { DaprResource } from '../../infra/dapr/types.ts';
import { cron, defineFunction, kafka } from '../../shared/core/index.ts';
import type { InvokeHook } from '../../shared/core/index.ts';
import {
  cleanupKafka,
  createTopics,
  produce,
  readAllRecords,
  testKafkaTransport,
  uniqueName,
  waitUntil,
} from '../support/kafka.ts';
import { errorLines, startDaprApp, startDaprd, type AppHarness, type Daprd } from './dapr-harness.ts';

const appId = uniqueName('dapr-sc');
const tickerId = uniqueName('dapr-tick');
const topic = `${appId}-orders`;
const dlq = `${appId}.dlq`;
const table = `dapr_sc_${appId.slice(-8)}`;
const ticks = `dapr_sc_ticks_${appId.slice(-8)}`;
const transport = testKafkaTransport();

/** Attempts per event id, counted in-process: shows Dapr's redeliveries. */
const attempts = new Map<string, number>();
const duplicates: string[] = [];
const Order = z.object({ amount: z.number().int(), failTimes: z.number().int().default(0) });

const orders = defineFunction({
  name: appId,
  trigger: kafka({ topic, schema: Order }),
  retries: { attempts: 4, initialDelayMs: 200, maxDelayMs: 2_000 },
  handler: async (order, { sql, meta }) => {
    const n = (attempts.get(meta.id) ?? 0) + 1;
    attempts.set(meta.id, n);
    if (n <= order.failTimes) throw new Error(`transient failure ${n} of ${order.failTimes}`);
    await sql.query(
      `INSERT INTO ${table} (event_id, msg_key, amount, ce_type, traceparent) VALUES ($1, $2, $3, $4, $5)`,
      [meta.id, meta.key, order.amount, meta.headers['ce_type'] ?? null, meta.traceparent ?? null],
    );
  },
});

const ticker = defineFunction({
  name: tickerId,
  trigger: cron({ schedule: '* * * * * *' }),
  handler: async ({ scheduledAt }, { sql, meta }) => {
    await sql.query(`INSERT INTO ${ticks} (event_id, scheduled_at) VALUES ($1, $2)`, [meta.id, scheduledAt]);
  },
});

const recordDuplicates: InvokeHook = async (info, next) => {
  const outcome = await next();
  if (outcome.status === 'done' && outcome.duplicate) duplicates.push(info.eventId);
  return outcome;
};

let dir: string;
let app: AppHarness;
let tickApp: AppHarness;
const sidecars: Daprd[] = [];

async function sidecar(id: string, target: AppHarness): Promise<Daprd> {
  const daprd = await startDaprd({
    appId: id,
    appPort: target.port,
    resourcesPath: dir,
    env: { DATABASE_URL: target.databaseUrl },
  });
  sidecars.push(daprd);
  return daprd;
}

async function rows(): Promise<Record<string, unknown>[]> {
  return (await app.sql.query(`SELECT * FROM ${table} ORDER BY event_id`)).rows;
}

beforeAll(async () => {
  await createTopics(transport, [topic, dlq], 1);
  // The generated resources, as `npm run dapr:generate` writes them for self-hosted daprd.
  const resources = buildDaprResources([orders, ticker], SELF_HOSTED_DAPR_SETTINGS);
  dir = await mkdtemp(path.join(tmpdir(), 'hearth-dapr-'));
  const docs = (list: DaprResource[]): string => list.map((r) => `---\n${stringify(r)}`).join('');
  await writeFile(path.join(dir, 'components.yaml'), docs(resources.components));
  await writeFile(path.join(dir, 'resiliency.yaml'), docs(resources.resiliency));
  app = await startDaprApp(
    [orders],
    (sql) =>
      sql.query(
        `CREATE TABLE ${table} (event_id TEXT PRIMARY KEY, msg_key TEXT, amount INT NOT NULL, ce_type TEXT, traceparent TEXT)`,
      ),
    {
      hooks: [recordDuplicates],
    },
  );
  tickApp = await startDaprApp([ticker], (sql) =>
    sql.query(`CREATE TABLE ${ticks} (event_id TEXT PRIMARY KEY, scheduled_at TIMESTAMPTZ NOT NULL)`),
  );
}, 600_000);

afterAll(async () => {
  for (const daprd of sidecars) await daprd.stop();
  await app?.close();
  await tickApp?.close();
  await cleanupKafka(transport, [topic, dlq], [appId]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a Kafka function behind daprd', () => {
  let daprd: Daprd;

  it('loads the generated components and resiliency policy without errors and subscribes the function', async () => {
    daprd = await sidecar(appId, app);
    const meta = (await (await fetch(`http://127.0.0.1:${daprd.httpPort}/v1.0/metadata`)).json()) as {
      components: { name: string; type: string }[];
      subscriptions: { topic: string; deadLetterTopic: string; pubsubname: string }[];
    };
    expect(meta.components.map((c) => `${c.name}:${c.type}`).sort()).toEqual([
      'hearth-pubsub:pubsub.kafka',
      'hearth-secrets:secretstores.local.env',
      'hearth-state:state.postgresql',
    ]);
    expect(meta.subscriptions).toEqual([
      expect.objectContaining({ pubsubname: 'hearth-pubsub', topic, deadLetterTopic: dlq }),
    ]);
    expect(errorLines(daprd.logs())).toEqual([]);
  }, 600_000);

  it('delivers a record with its key, CloudEvent headers and trace context', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await produce(transport, [
      {
        topic,
        key: 'cust-1',
        value: '{"amount":5}',
        headers: {
          ce_id: `${appId}-evt-1`,
          ce_type: 'hearth.orders',
          ce_specversion: '1.0',
          ce_source: 'test',
          traceparent,
        },
      },
      { topic, key: 'cust-2', value: '{"amount":6}', headers: {} },
    ]);
    await waitUntil('both records are applied', async () => (await rows()).length === 2);
    expect(await rows()).toEqual([
      { event_id: `${appId}-evt-1`, msg_key: 'cust-1', amount: 5, ce_type: 'hearth.orders', traceparent },
      { event_id: `${topic}/0/1`, msg_key: 'cust-2', amount: 6, ce_type: null, traceparent: null },
    ]);
  });

  it('retries a transient failure through Dapr until it succeeds', async () => {
    await produce(transport, [{ topic, key: 'cust-3', value: '{"amount":7,"failTimes":2}', headers: {} }]);
    await waitUntil('the retried record is applied', async () => (await rows()).some((r) => r['amount'] === 7), 60_000);
    expect(attempts.get(`${topic}/0/2`)).toBe(3);
  });

  it('DROPs a bad record to the dead-letter topic with its source coordinates', async () => {
    await produce(transport, [{ topic, key: 'cust-4', value: '{"amount":"lots"}', headers: { tenant: 'acme' } }]);
    let dead: Awaited<ReturnType<typeof readAllRecords>> = [];
    await waitUntil(
      'the bad record is on the dead-letter topic',
      async () => (dead = await readAllRecords(transport, dlq)).length > 0,
      60_000,
    );
    expect(dead).toHaveLength(1);
    expect(dead[0]?.value?.toString('utf8')).toBe('{"amount":"lots"}');
    expect(dead[0]?.key).toBe('cust-4');
    expect(dead[0]?.headers).toMatchObject({ tenant: 'acme', __topic: topic, __partition: '0', __offset: '3' });
    expect((await rows()).map((r) => r['amount'])).not.toContain('lots');
  });

  it('gives a redelivered record no second effect', async () => {
    // Drop the consumer group: the next daprd starts from the oldest offset and redelivers every record.
    await daprd.stop();
    await cleanupKafka(transport, [], [appId]);
    const before = await rows();
    const seen = duplicates.length;
    daprd = await sidecar(appId, app);
    await waitUntil('the applied records are redelivered', () => duplicates.length - seen >= 3, 60_000);
    expect(duplicates.slice(seen).sort()).toEqual([`${appId}-evt-1`, `${topic}/0/1`, `${topic}/0/2`].sort());
    expect(await rows()).toEqual(before);
    expect(
      await app.sql
        .query('SELECT count(*)::int AS n FROM hearth_ledger WHERE function_name = $1', [appId])
        .then((r) => r.rows[0]),
    ).toEqual({ n: 3 });
  });
});

describe('a cron function behind daprd', () => {
  it('fires from the generated cron binding, one run per scheduled second', async () => {
    const daprd = await sidecar(tickerId, tickApp);
    await waitUntil(
      'the cron binding fired twice',
      async () => (await tickApp.sql.query(`SELECT 1 FROM ${ticks}`)).rowCount >= 2,
      30_000,
    );
    const { rows: fired } = await tickApp.sql.query<{ event_id: string; scheduled_at: Date }>(
      `SELECT event_id, scheduled_at FROM ${ticks}`,
    );
    for (const row of fired) {
      expect(row.scheduled_at.getUTCMilliseconds()).toBe(0);
      expect(row.event_id).toBe(`cron@${row.scheduled_at.toISOString()}`);
    }
    expect(errorLines(daprd.logs())).toEqual([]);
  }, 600_000);
});
