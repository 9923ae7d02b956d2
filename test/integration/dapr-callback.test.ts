// The Dapr app-callback protocol over real HTTP as daprd speaks it (subscriptions, rawPayload CloudEvents
// with Kafka metadata as headers, bulk deliveries, cron binding probe and POST), with exactly-once effects
// in PostgreSQL and the real KV adapter. dapr-sidecar.test.ts runs the same against a real daprd.
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cron, defineFunction, kafka, NonRetriableError } from '../../shared/core/index.ts';
import { startDaprApp, type AppHarness } from './dapr-harness.ts';

const suffix = randomBytes(4).toString('hex');
const table = `dapr_effects_${suffix}`;
const ticks = `dapr_ticks_${suffix}`;
const topic = `dapr-orders-${suffix}`;

const Order = z.object({ amount: z.number().int(), mode: z.enum(['ok', 'transient', 'fatal']).default('ok') });

const orders = defineFunction({
  name: 'dapr-orders',
  trigger: kafka({ topic, schema: Order }),
  handler: async (order, { sql, kv, meta }) => {
    if (order.mode === 'transient') throw new Error('database hiccup');
    if (order.mode === 'fatal') throw new NonRetriableError('customer does not exist');
    await sql.query(`INSERT INTO ${table} (event_id, msg_key, amount, traceparent) VALUES ($1, $2, $3, $4)`, [
      meta.id,
      meta.key,
      order.amount,
      meta.traceparent ?? null,
    ]);
    await kv.incrBy(`dapr-test:${suffix}:count`, 1, { ttlMs: 600_000 });
  },
});

const digest = defineFunction({
  name: 'dapr-digest',
  trigger: cron({ schedule: '*/5 * * * *' }),
  handler: async ({ scheduledAt }, { sql, meta }) => {
    await sql.query(`INSERT INTO ${ticks} (event_id, scheduled_at) VALUES ($1, $2)`, [meta.id, scheduledAt]);
  },
});

let app: AppHarness;
let clock = new Date('2025-06-01T10:05:00.040Z');

beforeAll(async () => {
  app = await startDaprApp(
    [orders, digest],
    async (sql) => {
      await sql.query(
        `CREATE TABLE ${table} (event_id TEXT PRIMARY KEY, msg_key TEXT, amount INT NOT NULL, traceparent TEXT)`,
      );
      await sql.query(`CREATE TABLE ${ticks} (event_id TEXT PRIMARY KEY, scheduled_at TIMESTAMPTZ NOT NULL)`);
    },
    { now: () => clock },
  );
});

afterAll(async () => {
  await app?.kv.del(`dapr-test:${suffix}:count`);
  await app?.close();
});

/** A rawPayload delivery exactly as daprd sends it: its own CloudEvent (fresh id) plus the record's metadata as headers. */
function rawDelivery(
  payload: unknown,
  coords: { partition: number; offset: number; key?: string },
  extra: Record<string, string> = {},
): RequestInit {
  const body = {
    id: randomUUID(),
    specversion: '1.0',
    datacontenttype: 'application/octet-stream',
    source: 'Dapr',
    type: 'com.dapr.event.sent',
    topic,
    pubsubname: 'hearth-pubsub',
    data_base64: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)).toString('base64'),
    ...('traceparent' in extra ? { traceparent: extra['traceparent'] } : {}),
  };
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/cloudevents+json',
      __topic: topic,
      __partition: String(coords.partition),
      __offset: String(coords.offset),
      ...(coords.key ? { __key: coords.key } : {}),
      ...extra,
    },
    body: JSON.stringify(body),
  };
}

async function deliver(
  init: RequestInit,
  path = '/dapr/events/dapr-orders',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${app.url}${path}`, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function rows(eventId: string): Promise<Record<string, unknown>[]> {
  return (await app.sql.query(`SELECT * FROM ${table} WHERE event_id = $1`, [eventId])).rows;
}

describe('GET /dapr/subscribe', () => {
  it('lists the Kafka function with its route, dead-letter topic and rawPayload', async () => {
    const res = await fetch(`${app.url}/dapr/subscribe`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      {
        pubsubname: 'hearth-pubsub',
        topic,
        routes: { default: '/dapr/events/dapr-orders' },
        deadLetterTopic: 'dapr-orders.dlq',
        metadata: { rawPayload: 'true' },
      },
    ]);
  });
});

describe('pub/sub deliveries', () => {
  it('runs the function once per record: a redelivery with a new Dapr id is SUCCESS without a second effect', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const first = await deliver(
      rawDelivery({ amount: 7 }, { partition: 1, offset: 12, key: 'cust-1' }, { traceparent }),
    );
    const again = await deliver(
      rawDelivery({ amount: 7 }, { partition: 1, offset: 12, key: 'cust-1' }, { traceparent }),
    );
    expect(first).toEqual({ status: 200, body: { status: 'SUCCESS' } });
    expect(again).toEqual({ status: 200, body: { status: 'SUCCESS' } });
    expect(await rows(`${topic}/1/12`)).toEqual([
      { event_id: `${topic}/1/12`, msg_key: 'cust-1', amount: 7, traceparent },
    ]);
    expect(await app.kv.get(`dapr-test:${suffix}:count`)).toBe(1);
  });

  it('keys an event by its ce_id Kafka header when it has one', async () => {
    const id = `evt-${suffix}`;
    expect((await deliver(rawDelivery({ amount: 3 }, { partition: 0, offset: 5 }, { ce_id: id }))).body).toEqual({
      status: 'SUCCESS',
    });
    expect(await rows(id)).toHaveLength(1);
  });

  it('DROPs bad input (schema-invalid, unparseable, not a CloudEvent) so Dapr dead-letters it', async () => {
    expect((await deliver(rawDelivery({ amount: 'x' }, { partition: 0, offset: 20 }))).body).toEqual({
      status: 'DROP',
    });
    expect((await deliver(rawDelivery('{not json', { partition: 0, offset: 21 }))).body).toEqual({ status: 'DROP' });
    const notCe = await deliver({
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: '{"amount":1}',
    });
    expect(notCe.body).toEqual({ status: 'DROP' });
    expect(await rows(`${topic}/0/20`)).toEqual([]);
  });

  it('answers RETRY for a transient failure and DROP for a non-retriable one', async () => {
    expect((await deliver(rawDelivery({ amount: 1, mode: 'transient' }, { partition: 2, offset: 1 }))).body).toEqual({
      status: 'RETRY',
    });
    expect((await deliver(rawDelivery({ amount: 1, mode: 'fatal' }, { partition: 2, offset: 2 }))).body).toEqual({
      status: 'DROP',
    });
  });

  it('answers a bulk delivery with one status per entry', async () => {
    const entry = (entryId: string, payload: unknown, offset: number) => ({
      entryId,
      event: Buffer.from(JSON.stringify(payload)).toString('base64'),
      contentType: 'application/octet-stream',
      metadata: { __topic: topic, __partition: '3', __offset: String(offset) },
    });
    const res = await deliver({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: randomUUID(),
        topic,
        pubsubname: 'hearth-pubsub',
        type: 'com.dapr.event.sent',
        metadata: {},
        entries: [
          entry('a', { amount: 1 }, 1),
          entry('b', { amount: 'bad' }, 2),
          entry('c', { amount: 2, mode: 'transient' }, 3),
          entry('a2', { amount: 1 }, 1),
        ],
      }),
    });
    expect(res).toEqual({
      status: 200,
      body: {
        statuses: [
          { entryId: 'a', status: 'SUCCESS' },
          { entryId: 'b', status: 'DROP' },
          { entryId: 'c', status: 'RETRY' },
          { entryId: 'a2', status: 'SUCCESS' },
        ],
      },
    });
    expect(await rows(`${topic}/3/1`)).toHaveLength(1);
  });

  it('answers 503 (retried, then dead-lettered by Dapr) for an unknown function, never a silent 404', async () => {
    const res = await deliver(rawDelivery({ amount: 1 }, { partition: 0, offset: 1 }), '/dapr/events/nope');
    expect(res.status).toBe(503);
    expect(String(res.body['error'])).toContain('no kafka function named "nope"');
  });
});

describe('cron binding', () => {
  it('answers the OPTIONS probe and runs each tick once, keyed by the scheduled time', async () => {
    const probe = await fetch(`${app.url}/dapr/cron/dapr-digest`, { method: 'OPTIONS' });
    expect(probe.status).toBe(200);
    clock = new Date('2025-06-01T10:05:00.040Z');
    const first = await deliver({ method: 'POST', body: '' }, '/dapr/cron/dapr-digest');
    clock = new Date('2025-06-01T10:05:01.500Z');
    const retried = await deliver({ method: 'POST', body: '' }, '/cron-dapr-digest');
    expect(first).toEqual({
      status: 200,
      body: { status: 'done', duplicate: false, scheduledAt: '2025-06-01T10:05:00.000Z' },
    });
    expect(retried.body['duplicate']).toBe(true);
    const { rows: all } = await app.sql.query(`SELECT event_id FROM ${ticks}`);
    expect(all).toEqual([{ event_id: 'cron@2025-06-01T10:05:00.000Z' }]);
  });
});
