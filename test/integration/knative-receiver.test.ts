// Every request shape Knative sends (KafkaSource and PingSource, binary and structured mode) against the
// receiver over real HTTP, with exactly-once effects in PostgreSQL and the real KV adapter.
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cron, defineFunction, kafka, NonRetriableError } from '../../shared/core/index.ts';
import { kafkaSourceHeaders, startReceiverHarness, type ReceiverHarness } from './knative-harness.ts';

const suffix = randomBytes(4).toString('hex');
const table = `knative_effects_${suffix}`;
const ticks = `knative_ticks_${suffix}`;
const topic = `knative-orders-${suffix}`;
const emitTopic = `knative-out-${suffix}`;

const Order = z.object({ amount: z.number().int(), mode: z.enum(['ok', 'transient', 'fatal']).default('ok') });

const orders = defineFunction({
  name: 'knative-orders',
  trigger: kafka({ topic, schema: Order, maxBytes: 2_048 }),
  handler: async (order, ctx) => {
    const { sql, kv, meta } = ctx;
    if (order.mode === 'transient') throw new Error('database hiccup');
    if (order.mode === 'fatal') throw new NonRetriableError('customer does not exist');
    await sql.query(`INSERT INTO ${table} (event_id, msg_key, tenant, amount) VALUES ($1, $2, $3, $4)`, [
      meta.id,
      meta.key,
      meta.headers['tenant'] ?? null,
      order.amount,
    ]);
    await kv.incrBy(`knative-test:${suffix}:count`, 1, { ttlMs: 600_000 });
    ctx.emit(emitTopic, { amount: order.amount }, { key: meta.key });
  },
});

const digest = defineFunction({
  name: 'knative-digest',
  trigger: cron({ schedule: '*/5 * * * *' }),
  handler: async ({ scheduledAt }, { sql, meta }) => {
    await sql.query(`INSERT INTO ${ticks} (event_id, scheduled_at) VALUES ($1, $2)`, [meta.id, scheduledAt]);
  },
});

let h: ReceiverHarness;

beforeAll(async () => {
  h = await startReceiverHarness([orders, digest], async (sql) => {
    await sql.query(
      `CREATE TABLE ${table} (event_id TEXT PRIMARY KEY, msg_key TEXT, tenant TEXT, amount INT NOT NULL)`,
    );
    await sql.query(`CREATE TABLE ${ticks} (event_id TEXT PRIMARY KEY, scheduled_at TIMESTAMPTZ NOT NULL)`);
  });
});

afterAll(async () => {
  await h?.kv.del(`knative-test:${suffix}:count`);
  await h?.close();
});

const post = (path: string, headers: Record<string, string>, body: string): Promise<Response> =>
  fetch(`${h.url}${path}`, { method: 'POST', headers, body });

async function rows(eventId: string): Promise<Record<string, unknown>[]> {
  return (await h.sql.query(`SELECT * FROM ${table} WHERE event_id = $1`, [eventId])).rows;
}
async function ledger(fn: string, eventId: string): Promise<number> {
  return (await h.sql.query('SELECT 1 FROM hearth_ledger WHERE function_name = $1 AND event_id = $2', [fn, eventId]))
    .rowCount;
}

describe('KafkaSource deliveries', () => {
  it('binary mode: reaches the function with key, kafkaheader* headers and the topic/partition/offset id', async () => {
    const record = {
      topic,
      partition: 1,
      offset: '17',
      key: 'cust-1',
      value: '{"amount":5}',
      headers: { tenant: 'acme' },
    };
    const res = await post('/functions/knative-orders', kafkaSourceHeaders(record), record.value);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: 'done', duplicate: false, eventId: `${topic}/1/17` });
    expect(await rows(`${topic}/1/17`)).toEqual([
      { event_id: `${topic}/1/17`, msg_key: 'cust-1', tenant: 'acme', amount: 5 },
    ]);
    const outbox = await h.sql.query('SELECT message_key FROM hearth_outbox WHERE topic = $1', [emitTopic]);
    expect(outbox.rows).toEqual([{ message_key: 'cust-1' }]);
  });

  it('a redelivered CloudEvent (same id) has no second effect', async () => {
    const record = { topic, partition: 0, offset: '3', key: 'cust-2', value: '{"amount":7}' };
    const first = await post('/functions/knative-orders', kafkaSourceHeaders(record), record.value);
    const before = await h.kv.get<number>(`knative-test:${suffix}:count`);
    const again = await post('/functions/knative-orders', kafkaSourceHeaders(record), record.value);
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(await again.json()).toMatchObject({ duplicate: true });
    expect(await rows(`${topic}/0/3`)).toHaveLength(1);
    expect(await h.kv.get<number>(`knative-test:${suffix}:count`)).toBe(before);
    const outbox = await h.sql.query('SELECT 1 FROM hearth_outbox WHERE topic = $1 AND message_key = $2', [
      emitTopic,
      'cust-2',
    ]);
    expect(outbox.rowCount).toBe(1);
  });

  it('structured mode with data and with data_base64, keyed by the CloudEvent id', async () => {
    const id = randomUUID();
    const event = {
      specversion: '1.0',
      id,
      source: 'hearth/producer',
      type: 'hearth.orders',
      datacontenttype: 'application/json',
      key: 'k9',
    };
    const withData = await post(
      '/functions/knative-orders',
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify({ ...event, data: { amount: 11 } }),
    );
    expect(withData.status).toBe(202);
    expect(await rows(id)).toEqual([{ event_id: id, msg_key: 'k9', tenant: null, amount: 11 }]);
    const id2 = randomUUID();
    const b64 = Buffer.from('{"amount":12}').toString('base64');
    const withB64 = await post(
      '/functions/knative-orders',
      { 'content-type': 'application/cloudevents+json; charset=utf-8' },
      JSON.stringify({ ...event, id: id2, data_base64: b64, kafkaheadertenant: 'globex' }),
    );
    expect(withB64.status).toBe(202);
    expect(await rows(id2)).toEqual([{ event_id: id2, msg_key: 'k9', tenant: 'globex', amount: 12 }]);
  });

  it('a schema-invalid event gets 400 naming the problem and nothing is written', async () => {
    const record = { topic, partition: 2, offset: '99', key: null, value: '{"amount":"lots"}' };
    const res = await post('/functions/knative-orders', kafkaSourceHeaders(record), record.value);
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, string>;
    expect(body).toMatchObject({ status: 'dead-letter', reason: 'schema-invalid', function: 'knative-orders' });
    expect(body['error']).toMatch(/amount/);
    expect(await rows(`${topic}/2/99`)).toHaveLength(0);
    expect(await ledger('knative-orders', `${topic}/2/99`)).toBe(0);
  });

  it('a transient handler failure gets 503 with Retry-After and leaves no ledger row, so a redelivery runs', async () => {
    const record = { topic, partition: 2, offset: '100', key: 'x', value: '{"amount":1,"mode":"transient"}' };
    const res = await post('/functions/knative-orders', kafkaSourceHeaders(record), record.value);
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await ledger('knative-orders', `${topic}/2/100`)).toBe(0);
  });

  it('a non-retriable handler error gets 422; unparseable 400; oversize 413', async () => {
    const fatal = { topic, partition: 2, offset: '101', key: 'x', value: '{"amount":1,"mode":"fatal"}' };
    expect((await post('/functions/knative-orders', kafkaSourceHeaders(fatal), fatal.value)).status).toBe(422);
    const junk = { topic, partition: 2, offset: '102', key: 'x', value: '{not json' };
    const junkRes = await post('/functions/knative-orders', kafkaSourceHeaders(junk), junk.value);
    expect(junkRes.status).toBe(400);
    expect(await junkRes.json()).toMatchObject({ reason: 'unparseable' });
    const big = {
      topic,
      partition: 2,
      offset: '103',
      key: 'x',
      value: JSON.stringify({ amount: 1, pad: 'x'.repeat(3_000) }),
    };
    const bigRes = await post('/functions/knative-orders', kafkaSourceHeaders(big), big.value);
    expect(bigRes.status).toBe(413);
    expect(await ledger('knative-orders', `${topic}/2/103`)).toBe(0);
  });

  it('missing or invalid CloudEvent attributes get 400 with a clear message', async () => {
    const noId = kafkaSourceHeaders({ topic, partition: 0, offset: '1', key: null, value: '{}' });
    delete noId['ce-id'];
    const res = await post('/functions/knative-orders', noId, '{"amount":1}');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/ce-id/);
    const plain = await post('/functions/knative-orders', { 'content-type': 'application/json' }, '{"amount":1}');
    expect(plain.status).toBe(400);
    expect(((await plain.json()) as { error: string }).error).toMatch(/not a CloudEvent/);
  });
});

describe('PingSource deliveries', () => {
  const pingHeaders = (time: string): Record<string, string> => ({
    'ce-specversion': '1.0',
    'ce-id': randomUUID(),
    'ce-source': '/apis/v1/namespaces/hearth/pingsources/knative-digest',
    'ce-type': 'dev.knative.sources.ping',
    'ce-time': time,
    'content-type': 'application/json',
  });

  it('binary and structured ticks of the same minute run the function once, keyed by the tick', async () => {
    const first = await post(
      '/functions/knative-digest',
      pingHeaders('2030-06-01T08:05:00.310Z'),
      '{"function":"knative-digest"}',
    );
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ duplicate: false, eventId: 'cron@2030-06-01T08:05:00.000Z' });
    const structured = {
      specversion: '1.0',
      id: randomUUID(),
      source: '/apis/v1/namespaces/hearth/pingsources/knative-digest',
      type: 'dev.knative.sources.ping',
      time: '2030-06-01T08:05:00.900Z',
      datacontenttype: 'application/json',
      data: { function: 'knative-digest' },
    };
    const again = await post(
      '/functions/knative-digest',
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify(structured),
    );
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ duplicate: true });
    const stored = await h.sql.query<{ scheduled_at: Date }>(`SELECT scheduled_at FROM ${ticks}`);
    expect(stored.rows.map((r) => r.scheduled_at.toISOString())).toEqual(['2030-06-01T08:05:00.000Z']);
  });

  it('a ping for another function, or a Kafka event, is refused with 400', async () => {
    const wrong = await post(
      '/functions/knative-digest',
      pingHeaders('2030-06-01T08:10:00Z'),
      '{"function":"someone-else"}',
    );
    expect(wrong.status).toBe(400);
    const record = { topic, partition: 0, offset: '5', key: null, value: '{"amount":1}' };
    expect((await post('/functions/knative-digest', kafkaSourceHeaders(record), record.value)).status).toBe(400);
  });
});

describe('routing', () => {
  it('POST / with two functions is refused; unknown names get 404 (retried by Knative); GET / is not ours', async () => {
    const record = { topic, partition: 0, offset: '6', key: null, value: '{"amount":1}' };
    expect((await post('/', kafkaSourceHeaders(record), record.value)).status).toBe(400);
    expect((await post('/functions/nope', kafkaSourceHeaders(record), record.value)).status).toBe(404);
    expect((await fetch(`${h.url}/`)).status).toBe(404);
    expect((await fetch(`${h.url}/functions/knative-orders`, { method: 'OPTIONS' })).headers.get('allow')).toMatch(
      /POST/,
    );
  });
});
