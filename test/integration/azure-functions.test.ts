// The Azure Functions adapter registered with the real @azure/functions `app` (test mode), its handlers
// called with a real InvocationContext and the payloads the Functions host sends (a Kafka record as the
// Kafka extension serializes it, a Timer object, an HttpRequest), over real PostgreSQL, Redis (Upstash
// REST) and Kafka for dead letters.
import { randomBytes } from 'node:crypto';
import { app, HttpRequest, InvocationContext, type HttpResponseInit, type Timer } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerAzureFunctions, type Registration } from '../../shared/adapters/azure-functions/index.ts';
import { UpstashKvStore } from '../../shared/adapters/kv/index.ts';
import { migrate, PgEffectStore, type PgSqlStore } from '../../shared/adapters/sql/index.ts';
import {
  cron,
  defineFunction,
  http,
  jsonLogger,
  kafka,
  NonRetriableError,
  readDeadLetter,
  type AnyFunction,
  type InvokeDeps,
  type OutgoingMessage,
} from '../../shared/core/index.ts';
import { cleanupKafka, createTopics, readAllRecords, testKafkaTransport } from '../support/kafka.ts';
import { testSqlStore } from '../support/pg.ts';
import { startUpstashRestServer, type RunningRestServer } from '../support/upstash-rest-server.ts';

const suffix = randomBytes(4).toString('hex');
const orders = `af_orders_${suffix}`;
const ticks = `af_ticks_${suffix}`;
const topic = `af-orders-${suffix}`;
const emitTopic = `af-out-${suffix}`;
const counter = `af-test:${suffix}:count`;

const Order = z.object({ amount: z.number().int(), mode: z.enum(['ok', 'flaky', 'fatal']).default('ok') });

const orderFn = defineFunction({
  name: `af-orders-${suffix}`,
  trigger: kafka({ topic, schema: Order }),
  retries: { attempts: 3, initialDelayMs: 5, maxDelayMs: 20 },
  handler: async (order, ctx) => {
    if (order.mode === 'flaky') throw new Error('database hiccup');
    if (order.mode === 'fatal') throw new NonRetriableError('customer does not exist');
    await ctx.sql.query(`INSERT INTO ${orders} (event_id, msg_key, tenant, amount) VALUES ($1, $2, $3, $4)`, [
      ctx.meta.id,
      ctx.meta.key,
      ctx.meta.headers['tenant'] ?? null,
      order.amount,
    ]);
    await ctx.kv.incrBy(counter, 1, { ttlMs: 600_000 });
    ctx.emit(emitTopic, { amount: order.amount }, { key: ctx.meta.key });
  },
});

const digestFn = defineFunction({
  name: `af-digest-${suffix}`,
  trigger: cron({ schedule: '*/5 * * * *', timezone: 'UTC' }),
  handler: async ({ scheduledAt }, { sql, meta }) => {
    await sql.query(`INSERT INTO ${ticks} (event_id, scheduled_at) VALUES ($1, $2)`, [meta.id, scheduledAt]);
  },
});

const quoteFn = defineFunction({
  name: `af-quote-${suffix}`,
  trigger: http({ method: 'POST', path: `/quotes-${suffix}`, schema: z.object({ amount: z.number() }) }),
  handler: ({ amount }) => ({ total: amount * 2 }),
});

const lookupFn = defineFunction({
  name: `af-lookup-${suffix}`,
  trigger: http({ method: 'GET', path: `/lookup-${suffix}`, schema: z.object({ q: z.string() }) }),
  handler: ({ q }) => ({ found: q.toUpperCase() }),
});

const functions: AnyFunction[] = [orderFn, digestFn, quoteFn, lookupFn];
const transport = testKafkaTransport();
let sql: PgSqlStore;
let cleanupSql: () => Promise<void>;
let rest: RunningRestServer;
let kv: UpstashKvStore;
let deps: InvokeDeps;
let clock = new Date('2025-06-01T10:05:00.040Z');
let registrations: Registration[];
const producer = transport.producer();

const deadLetter = async (message: OutgoingMessage): Promise<void> => (await producer).send([message]);

beforeAll(async () => {
  ({ store: sql, cleanup: cleanupSql } = await testSqlStore('azfn'));
  await migrate(sql);
  await sql.query(`CREATE TABLE ${orders} (event_id TEXT PRIMARY KEY, msg_key TEXT, tenant TEXT, amount INT NOT NULL)`);
  await sql.query(`CREATE TABLE ${ticks} (event_id TEXT, scheduled_at TIMESTAMPTZ NOT NULL)`);
  rest = await startUpstashRestServer();
  kv = new UpstashKvStore({ url: rest.url, token: rest.token });
  deps = { effects: new PgEffectStore(sql), database: sql, kv, log: jsonLogger({ level: 'silent' }) };
  await createTopics(transport, [orderFn.deadLetterTopic, digestFn.deadLetterTopic], 1);
  registrations = registerAzureFunctions(functions, { app, deps, deadLetter, now: () => clock });
});

afterAll(async () => {
  await (await producer).disconnect();
  await cleanupKafka(transport, [orderFn.deadLetterTopic, digestFn.deadLetterTopic]);
  await kv?.del(counter);
  await rest?.close();
  await cleanupSql?.();
});

function registration<K extends Registration['kind']>(kind: K, name: string): Extract<Registration, { kind: K }> {
  const found = registrations.find((r) => r.kind === kind && r.name === name);
  if (!found) throw new Error(`no ${kind} registration named ${name}`);
  return found as Extract<Registration, { kind: K }>;
}

const context = (name: string, triggerType: string): InvocationContext =>
  new InvocationContext({
    invocationId: randomBytes(8).toString('hex'),
    functionName: name,
    options: { trigger: { type: triggerType, name: triggerType === 'httpTrigger' ? 'request' : 'event' } },
    logHandler: () => undefined,
  });

/** A Kafka record as the Kafka extension serializes it for `dataType: 'string'` (header values base64). */
function kafkaEvent(
  offset: number,
  partition: number,
  key: string | null,
  value: string,
  headers: Record<string, string> = {},
) {
  return {
    Offset: offset,
    Partition: partition,
    Topic: topic,
    Timestamp: new Date().toISOString(),
    Key: key,
    Value: value,
    Headers: Object.entries(headers).map(([Key, v]) => ({ Key, Value: Buffer.from(v).toString('base64') })),
  };
}

const callKafka = (event: unknown): Promise<unknown> =>
  Promise.resolve(registration('kafka', orderFn.name).options.handler(event, context(orderFn.name, 'kafkaTrigger')));

const timer = (isPastDue = false): Timer => ({
  isPastDue,
  schedule: { adjustForDST: true },
  scheduleStatus: { last: '2025-06-01T10:00:00Z', next: '2025-06-01T10:10:00Z', lastUpdated: '2025-06-01T10:00:00Z' },
});

const rowsOf = async (eventId: string): Promise<Record<string, unknown>[]> =>
  (await sql.query(`SELECT * FROM ${orders} WHERE event_id = $1`, [eventId])).rows;

describe('registration with the @azure/functions app', () => {
  it('registers a kafkaTrigger, a timer with a 6-field NCRONTAB and HTTP routes', () => {
    expect(registration('kafka', orderFn.name).options.trigger).toEqual({
      type: 'kafkaTrigger',
      name: 'event',
      direction: 'in',
      topic,
      brokerList: '%KAFKA_BROKERS%',
      consumerGroup: `hearth.${orderFn.name}`,
      cardinality: 'one',
      dataType: 'string',
    });
    expect(registration('timer', digestFn.name).options.schedule).toBe('0 */5 * * * *');
    expect(registration('http', quoteFn.name).options).toMatchObject({ methods: ['POST'], route: `quotes-${suffix}` });
    expect(registrations.map((r) => r.name).sort()).toEqual(functions.map((f) => f.name).sort());
  });

  it('registers a function on several topics once per topic, in one consumer group', () => {
    const watcher = defineFunction({
      name: 'af-watch',
      trigger: kafka({ topics: ['a.dlq', 'b.dlq'], schema: z.unknown() }),
      handler: () => undefined,
    });
    const regs = registerAzureFunctions([watcher], { app, deps, deadLetter });
    expect(regs.map((r) => [r.name, r.kind === 'kafka' ? r.options.trigger : undefined])).toEqual([
      ['af-watch', expect.objectContaining({ topic: 'a.dlq', consumerGroup: 'hearth.af-watch' })],
      ['af-watch-2', expect.objectContaining({ topic: 'b.dlq', consumerGroup: 'hearth.af-watch' })],
    ]);
  });

  it('refuses a schedule NCRONTAB cannot express, naming the function', () => {
    const either = defineFunction({
      name: 'af-either-days',
      trigger: cron({ schedule: '0 9 1 * MON' }),
      handler: () => undefined,
    });
    expect(() => registerAzureFunctions([either], { app, deps, deadLetter })).toThrow(
      /function "af-either-days": cannot run as an Azure Functions timer: .*day-of-month and day-of-week/,
    );
  });

  it('refuses a cron function in another time zone than the host, naming the function and the fix', () => {
    const paris = defineFunction({
      name: 'af-paris',
      trigger: cron({ schedule: '0 3 * * *', timezone: 'Europe/Paris' }),
      handler: () => undefined,
    });
    expect(() => registerAzureFunctions([paris], { app, deps, deadLetter })).toThrow(
      /function "af-paris": .*"Europe\/Paris".*WEBSITE_TIME_ZONE/,
    );
    expect(registerAzureFunctions([paris], { app, deps, deadLetter, timeZone: 'Europe/Paris' })[0]?.kind).toBe('timer');
  });
});

describe('kafkaTrigger handler', () => {
  it('writes the row, the ledger and the outbox keyed topic/partition/offset, like the local host', async () => {
    await expect(callKafka(kafkaEvent(17, 1, 'cust-1', '{"amount":5}', { tenant: 'acme' }))).resolves.toBeUndefined();
    const id = `${topic}/1/17`;
    expect(await rowsOf(id)).toEqual([{ event_id: id, msg_key: 'cust-1', tenant: 'acme', amount: 5 }]);
    const ledger = await sql.query('SELECT 1 FROM hearth_ledger WHERE function_name = $1 AND event_id = $2', [
      orderFn.name,
      id,
    ]);
    expect(ledger.rowCount).toBe(1);
    const outbox = await sql.query('SELECT message_key FROM hearth_outbox WHERE topic = $1', [emitTopic]);
    expect(outbox.rows).toEqual([{ message_key: 'cust-1' }]);
  });

  it('a redelivered record has no second effect', async () => {
    const event = kafkaEvent(3, 0, 'cust-2', '{"amount":7}');
    await callKafka(event);
    const before = await kv.get<number>(counter);
    await callKafka(event);
    expect(await rowsOf(`${topic}/0/3`)).toHaveLength(1);
    expect(await kv.get<number>(counter)).toBe(before);
    const outbox = await sql.query('SELECT 1 FROM hearth_outbox WHERE topic = $1 AND message_key = $2', [
      emitTopic,
      'cust-2',
    ]);
    expect(outbox.rowCount).toBe(1);
  });

  it('uses the ce_id header as the event id and accepts the record as a JSON string too', async () => {
    const event = kafkaEvent(40, 2, null, '{"amount":9}', { ce_id: `evt-${suffix}` });
    await callKafka(JSON.stringify(event));
    expect(await rowsOf(`evt-${suffix}`)).toEqual([
      { event_id: `evt-${suffix}`, msg_key: null, tenant: null, amount: 9 },
    ]);
  });

  it('dead-letters bad input, non-retriable and exhausted records to the DLQ topic and returns normally', async () => {
    await expect(callKafka(kafkaEvent(99, 2, 'k-bad', '{"amount":"lots"}'))).resolves.toBeUndefined();
    await expect(callKafka(kafkaEvent(100, 2, 'k-fatal', '{"amount":1,"mode":"fatal"}'))).resolves.toBeUndefined();
    await expect(callKafka(kafkaEvent(101, 2, 'k-flaky', '{"amount":1,"mode":"flaky"}'))).resolves.toBeUndefined();
    const letters = await readAllRecords(transport, orderFn.deadLetterTopic);
    const byKey = new Map(letters.map((r) => [r.key, r]));
    expect(readDeadLetter(byKey.get('k-bad')?.headers ?? {})).toMatchObject({
      reason: 'schema-invalid',
      function: orderFn.name,
      attempts: 1,
      sourceTopic: topic,
      sourcePartition: 2,
      sourceOffset: '99',
      eventId: `${topic}/2/99`,
    });
    expect(byKey.get('k-bad')?.value?.toString('utf8')).toBe('{"amount":"lots"}');
    expect(readDeadLetter(byKey.get('k-fatal')?.headers ?? {})).toMatchObject({ reason: 'non-retriable', attempts: 1 });
    expect(readDeadLetter(byKey.get('k-flaky')?.headers ?? {})).toMatchObject({
      reason: 'retries-exhausted',
      attempts: 3,
      errorMessage: 'database hiccup',
    });
    for (const offset of ['99', '100', '101']) expect(await rowsOf(`${topic}/2/${offset}`)).toHaveLength(0);
  });

  it('fails the invocation when the dead letter cannot be published, so the record is retried', async () => {
    const [reg] = registerAzureFunctions([orderFn], {
      app,
      deps,
      deadLetter: () => Promise.reject(new Error('broker unreachable')),
    });
    if (reg?.kind !== 'kafka') throw new Error('expected the kafka registration');
    await expect(
      Promise.resolve(reg.options.handler(kafkaEvent(120, 3, 'k', 'not json'), context(orderFn.name, 'kafkaTrigger'))),
    ).rejects.toThrow(/broker unreachable/);
  });
});

describe('timer handler', () => {
  const call = (pastDue = false): Promise<unknown> =>
    Promise.resolve(
      registration('timer', digestFn.name).options.handler(timer(pastDue), context(digestFn.name, 'timerTrigger')),
    );
  const tickRows = async (): Promise<string[]> =>
    (await sql.query<{ at: Date }>(`SELECT scheduled_at AS at FROM ${ticks} ORDER BY scheduled_at`)).rows.map((r) =>
      r.at.toISOString(),
    );

  it('runs each tick once, keyed by its scheduled time, even when the timer fires twice or late', async () => {
    clock = new Date('2025-06-01T10:05:00.040Z');
    await call();
    clock = new Date('2025-06-01T10:05:02.000Z');
    await call(true);
    expect(await tickRows()).toEqual(['2025-06-01T10:05:00.000Z']);
    clock = new Date('2025-06-01T10:09:59.900Z'); // fired a little early: counts for the coming tick
    await call();
    clock = new Date('2025-06-01T10:17:30.000Z'); // past due: the newest tick at or before now
    await call(true);
    expect(await tickRows()).toEqual([
      '2025-06-01T10:05:00.000Z',
      '2025-06-01T10:10:00.000Z',
      '2025-06-01T10:15:00.000Z',
    ]);
    const ids = await sql.query(`SELECT event_id FROM ${ticks} ORDER BY scheduled_at`);
    expect(ids.rows[0]).toEqual({ event_id: 'cron@2025-06-01T10:05:00.000Z' });
  });
});

describe('HTTP handler', () => {
  const callHttp = async (name: string, request: HttpRequest): Promise<HttpResponseInit> => {
    const handler = registration('http', name).options.handler;
    return handler(request, context(name, 'httpTrigger'));
  };

  it('answers a valid POST with the handler value as JSON', async () => {
    const res = await callHttp(
      quoteFn.name,
      new HttpRequest({
        method: 'POST',
        url: `http://localhost/quotes-${suffix}`,
        body: { string: '{"amount":21}' },
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(res).toMatchObject({ status: 200, jsonBody: { total: 42 } });
  });

  it('answers a schema-invalid body with 400 naming the field, and GET validates the query', async () => {
    const bad = await callHttp(
      quoteFn.name,
      new HttpRequest({ method: 'POST', url: `http://localhost/quotes-${suffix}`, body: { string: '{"amount":"x"}' } }),
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.jsonBody)).toMatch(/amount/);
    const get = await callHttp(
      lookupFn.name,
      new HttpRequest({ method: 'GET', url: `http://localhost/lookup-${suffix}?q=abc` }),
    );
    expect(get).toMatchObject({ status: 200, jsonBody: { found: 'ABC' } });
  });

  it('makes a repeated request with the same Idempotency-Key a duplicate (202)', async () => {
    const request = (): HttpRequest =>
      new HttpRequest({
        method: 'POST',
        url: `http://localhost/quotes-${suffix}`,
        body: { string: '{"amount":1}' },
        headers: { 'idempotency-key': `idem-${suffix}` },
      });
    expect((await callHttp(quoteFn.name, request())).status).toBe(200);
    expect(await callHttp(quoteFn.name, request())).toMatchObject({ status: 202, jsonBody: { duplicate: true } });
  });
});
