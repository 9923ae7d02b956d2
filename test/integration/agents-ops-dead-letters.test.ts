import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeadLetterAgent } from '../../functions/dead-letter-agent/agent.ts';
import { defineFunction, jsonLogger, kafka } from '../../shared/core/index.ts';
import { startHost, type Host } from '../../shared/host/host.ts';
import { createRuntime } from '../../shared/host/runtime.ts';
import { databaseUrlForSchema, serviceEnv } from '../support/host-process.ts';
import {
  cleanupKafka,
  createTopics,
  produce,
  readAllRecords,
  TEST_KAFKA_BROKERS,
  testKafkaTransport,
  uniqueName,
  waitUntil,
} from '../support/kafka.ts';
import { createTestSchema, type TestSchema } from '../support/pg.ts';

const transport = testKafkaTransport();
const MAX_REQUEUES = 2;

/**
 * The dead-letter agent on a real host (Kafka, PostgreSQL, Redis): a poison event fails its function,
 * reaches the agent through the dead-letter topic, is filed with its reason, re-queued under the bounded
 * policy and then held; bad input is filed and never re-queued.
 */
describe('agents: dead-letter agent', () => {
  let schema: TestSchema;
  let pool: pg.Pool;
  let host: Host | undefined;
  const topic = uniqueName('poison');
  const fnName = uniqueName('poison-fn');
  const agentName = uniqueName('dl-agent');
  const dlq = `${fnName}.dlq`;

  beforeAll(async () => {
    schema = await createTestSchema('dlagent');
    pool = new pg.Pool({ ...schema.poolConfig });
    await createTopics(transport, [topic, dlq], 2);
    const poison = defineFunction({
      name: fnName,
      trigger: kafka({ topic, schema: z.object({ id: z.string(), mode: z.enum(['ok', 'fail']) }) }),
      retries: { attempts: 2, initialDelayMs: 20, maxDelayMs: 50 },
      handler: (event) => {
        if (event.mode === 'fail') throw new Error(`upstream 503 while charging order ${event.id}`);
      },
    });
    const [agent, requeue] = createDeadLetterAgent(agentName, {
      topics: [dlq],
      policy: { maxRequeues: MAX_REQUEUES, baseDelayMs: 300, maxDelayMs: 2_000 },
      requeueSchedule: '* * * * * *',
    });
    const env = { ...serviceEnv, DATABASE_URL: databaseUrlForSchema(schema.name), HEARTH_HTTP_PORT: '0' };
    const rt = await createRuntime(env, { log: jsonLogger({ level: 'error' }) });
    host = await startHost([poison, agent, requeue], rt);
  });
  afterAll(async () => {
    await host?.stop();
    await pool.end();
    await schema.drop();
    await cleanupKafka(
      transport,
      [topic, dlq, `${agentName}.dlq`, `${agentName}-requeue.dlq`],
      [`hearth.${fnName}`, `hearth.${agentName}`],
    );
  });

  const rowsOf = async (reason: string) =>
    (
      await pool.query<{
        status: string;
        event_id: string;
        error_class: string;
        error_message: string;
        source_topic: string;
        source_offset: string;
        body: string;
        fingerprint: string;
      }>(
        'SELECT status, event_id, error_class, error_message, source_topic, source_offset, body, fingerprint FROM hearth_dead_letters WHERE reason = $1 ORDER BY received_at',
        [reason],
      )
    ).rows;

  it('files a poison event with its reason, re-queues it a bounded number of times, then holds it', async () => {
    await produce(transport, [
      { topic, key: 'order-7', value: JSON.stringify({ id: 'o-7', mode: 'fail' }), headers: {} },
      { topic, key: 'order-8', value: '{not json', headers: {} },
    ]);
    await waitUntil(
      'the poison event is re-queued twice and then held as exhausted',
      async () => (await rowsOf('retries-exhausted')).some((r) => r.status === 'exhausted'),
      60_000,
    );
    const exhausted = await rowsOf('retries-exhausted');
    // The first failure plus one per re-queue, all the same original event.
    expect(exhausted.map((r) => r.status)).toEqual(['requeued', 'requeued', 'exhausted']);
    expect(new Set(exhausted.map((r) => r.event_id)).size).toBe(1);
    expect(exhausted[0]).toMatchObject({
      error_class: 'Error',
      error_message: 'upstream 503 while charging order o-7',
      source_topic: topic,
    });
    expect(JSON.parse(exhausted[0]?.body ?? 'null')).toEqual({ id: 'o-7', mode: 'fail' });
    const counted = await pool.query<{ requeues: number }>(
      'SELECT requeues FROM hearth_dead_letter_requeues WHERE function_name = $1',
      [fnName],
    );
    expect(counted.rows).toEqual([{ requeues: MAX_REQUEUES }]);

    // Bad input is filed for review with its reason and never re-queued.
    const unparseable = await rowsOf('unparseable');
    expect(unparseable).toHaveLength(1);
    expect(unparseable[0]).toMatchObject({
      status: 'review',
      error_class: 'BadInputError',
      body: '{not json',
      source_topic: topic,
    });

    // Not re-queued forever: after more re-queue passes, still exactly three dead letters of the event.
    const ticks = async (): Promise<number> =>
      Number(
        (
          await pool.query<{ n: string }>(
            'SELECT count(*) AS n FROM hearth_cron_ticks WHERE function_name = $1 AND done_at IS NOT NULL',
            [`${agentName}-requeue`],
          )
        ).rows[0]?.n,
      );
    const seen = await ticks();
    await waitUntil('three more re-queue passes', async () => (await ticks()) >= seen + 3, 30_000);
    expect(await rowsOf('retries-exhausted')).toHaveLength(MAX_REQUEUES + 1);
    const letters = await readAllRecords(transport, dlq);
    expect(letters.filter((r) => r.headers['hearth-dlq-reason'] === 'retries-exhausted')).toHaveLength(
      MAX_REQUEUES + 1,
    );
    const source = await readAllRecords(transport, topic);
    expect(source.filter((r) => r.headers['hearth-replayed-from'])).toHaveLength(MAX_REQUEUES);

    // Two error kinds (the same failure three times counts once), each alerted on first sight only.
    const kinds = await pool.query<{ error_class: string; occurrences: string; normalized_message: string }>(
      'SELECT error_class, occurrences, normalized_message FROM hearth_error_kinds WHERE function_name = $1 ORDER BY error_class',
      [fnName],
    );
    expect(kinds.rows.map((k) => [k.error_class, Number(k.occurrences)])).toEqual([
      ['BadInputError', 1],
      ['Error', MAX_REQUEUES + 1],
    ]);
    expect(kinds.rows[1]?.normalized_message).toBe('upstream <n> while charging order o-<n>');
    const alerts = await pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM hearth_alerts WHERE rule = 'novel-error-kind'",
    );
    expect(Number(alerts.rows[0]?.n)).toBe(2);
  });

  it('files dead letters holding NUL, lone surrogates and bytes that are not UTF-8, byte for byte', async () => {
    const rawBytes = Buffer.from([0x7b, 0x22, 0x00, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0x22, 0x7d]);
    const kafka = new Kafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'hearth-test', logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: 'nul-escape', value: '{"id":"nul\\u0000x","mode":"fail"}' },
        { key: 'raw-bytes', value: rawBytes, headers: { 'x-note': 'a\u0000b' } },
        { key: 'lone-surrogate', value: '{"id":"\\ud800","mode":"fail"}' },
      ],
    });
    await producer.disconnect();
    type Filed = {
      event_key: string;
      reason: string;
      status: string;
      error_message: string;
      body: string | null;
      body_bytes: Buffer;
      headers: unknown;
      headers_json: string;
    };
    const filed = async () =>
      (
        await pool.query<Filed>(
          `SELECT DISTINCT ON (event_key) event_key, reason, status, error_message, body, body_bytes, headers, headers_json
             FROM hearth_dead_letters WHERE event_key = ANY($1) ORDER BY event_key, received_at`,
          [['nul-escape', 'raw-bytes', 'lone-surrogate']],
        )
      ).rows;
    await waitUntil('all three dead letters filed', async () => (await filed()).length === 3, 60_000);
    const byKey = Object.fromEntries((await filed()).map((r) => [r.event_key, r]));

    const raw = byKey['raw-bytes'];
    expect(raw).toMatchObject({ reason: 'unparseable', status: 'review', body: null, headers: null });
    expect(Buffer.compare(raw?.body_bytes ?? Buffer.alloc(0), rawBytes)).toBe(0);
    expect((JSON.parse(raw?.headers_json ?? '{}') as Record<string, string>)['x-note']).toBe('a\u0000b');

    const nul = byKey['nul-escape'];
    expect(nul?.reason).toBe('retries-exhausted');
    expect(nul?.error_message).toBe('upstream 503 while charging order nul\\0x');
    expect(nul?.body_bytes.toString('utf8')).toBe('{"id":"nul\\u0000x","mode":"fail"}');
    expect(nul?.body).toBe('{"id":"nul\\u0000x","mode":"fail"}');

    const lone = byKey['lone-surrogate'];
    expect(lone?.reason).toBe('retries-exhausted');
    expect(lone?.error_message).toBe('upstream 503 while charging order \ufffd');

    // Nothing failed in the agent itself: its own dead-letter topic stays empty.
    const own = await readAllRecords(transport, `${agentName}.dlq`).catch(() => []);
    expect(own).toHaveLength(0);
  });
});
