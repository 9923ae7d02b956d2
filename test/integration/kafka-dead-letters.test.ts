import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  listDeadLetters,
  replayDeadLetters,
  replayGroupId,
  startFunctionConsumer,
  type FunctionConsumer,
} from '../../shared/adapters/kafka/index.ts';
import { migrate, PgEffectStore, type PgSqlStore } from '../../shared/adapters/sql/index.ts';
import { defineFunction, kafka, type OutgoingMessage } from '../../shared/core/index.ts';
import {
  cleanupKafka,
  createTopics,
  produce,
  readAllRecords,
  testKafkaTransport,
  testLog,
  uniqueName,
  waitUntil,
} from '../support/kafka.ts';
import { localKvStore } from '../support/local-kv.ts';
import { testSqlStore } from '../support/pg.ts';

describe('Kafka dead letters: bad input, retries, replay', () => {
  const transport = testKafkaTransport();
  const topic = uniqueName('kd-tasks');
  const fnName = uniqueName('kd-worker');
  const dlq = `${fnName}.dlq`;
  const kv = localKvStore();
  const calls = new Map<string, number>();
  let failing = true;
  let store: PgSqlStore;
  let cleanupSql: () => Promise<void>;
  let running: FunctionConsumer | undefined;

  const fn = defineFunction({
    name: fnName,
    trigger: kafka({
      topic,
      schema: z.object({ id: z.string(), mode: z.enum(['ok', 'flaky', 'fail']) }),
      maxBytes: 512,
    }),
    retries: { attempts: 3, initialDelayMs: 100, maxDelayMs: 400 },
    handler: async (task, { sql }) => {
      const n = (calls.get(task.id) ?? 0) + 1;
      calls.set(task.id, n);
      if (task.mode === 'flaky' && n <= 2) throw new Error(`flaky upstream (call ${n})`);
      if (task.mode === 'fail' && failing) throw new Error('upstream down');
      await sql.query('INSERT INTO kd_done (id) VALUES ($1)', [task.id]);
    },
  });

  const doneIds = async (): Promise<string[]> =>
    (await store.query<{ id: string }>('SELECT id FROM kd_done ORDER BY id')).rows.map((r) => r.id);
  const drained = async (): Promise<boolean> => {
    const admin = await transport.admin();
    try {
      return (await admin.groupLag(`hearth.${fnName}`, [topic])).every((p) => p.lag === 0);
    } finally {
      await admin.disconnect();
    }
  };

  beforeAll(async () => {
    ({ store, cleanup: cleanupSql } = await testSqlStore('kafka_dlq'));
    await migrate(store);
    await store.query('CREATE TABLE kd_done (id TEXT PRIMARY KEY)');
    await createTopics(transport, [topic], 4);
    await createTopics(transport, [dlq], 2);
    running = await startFunctionConsumer(fn, {
      transport,
      deps: { effects: new PgEffectStore(store), database: store, kv, log: testLog },
    });
  });

  afterAll(async () => {
    await running?.stop(10_000);
    await cleanupKafka(transport, [topic, dlq], [`hearth.${fnName}`, replayGroupId(dlq)]);
    await cleanupSql();
  });

  it('dead-letters bad input at once and exhausted retries after backoff, keeping healthy neighbours flowing', async () => {
    const task = (body: unknown): OutgoingMessage => ({
      topic,
      key: 'same-key',
      value: JSON.stringify(body),
      headers: {},
    });
    await produce(transport, [
      task({ id: 'ok-1', mode: 'ok' }),
      { topic, key: 'same-key', value: '{not json', headers: { 'x-origin': 'test' } },
      task({ id: 'ok-2', mode: 'ok' }),
      task({ id: 42, mode: 'ok' }),
      task({ id: 'big', mode: 'ok', padding: 'x'.repeat(1_000) }),
      task({ id: 'ok-3', mode: 'ok' }),
      task({ id: 'flaky-1', mode: 'flaky' }),
      task({ id: 'fail-1', mode: 'fail' }),
      task({ id: 'ok-4', mode: 'ok' }),
    ]);
    await waitUntil(
      'the healthy events are done and everything is committed',
      async () => (await doneIds()).length === 5 && (await drained()),
    );

    expect(await doneIds()).toEqual(['flaky-1', 'ok-1', 'ok-2', 'ok-3', 'ok-4']);
    expect(calls.get('flaky-1')).toBe(3);
    expect(calls.get('fail-1')).toBe(3);
    const source = await readAllRecords(transport, topic);
    const partitions = new Set(source.map((r) => r.partition));
    expect(partitions.size).toBe(1);
    const partition = [...partitions][0];

    const progress: { done: number; total: number }[] = [];
    const letters = await listDeadLetters(transport, dlq, { onProgress: (p) => progress.push(p) });
    expect(progress.at(-1)).toEqual({ done: 4, total: 4 });
    const byReason = new Map(letters.map((l) => [l.info?.reason, l]));
    expect([...byReason.keys()].sort()).toEqual(['oversize', 'retries-exhausted', 'schema-invalid', 'unparseable']);
    for (const letter of letters) {
      expect(letter.key).toBe('same-key');
      expect(letter.info).toMatchObject({ function: fnName, sourceTopic: topic, sourcePartition: partition });
    }
    const offsets = Object.fromEntries(letters.map((l) => [String(l.info?.reason), l.info?.sourceOffset] as const));
    expect(offsets).toEqual({ unparseable: '1', 'schema-invalid': '3', oversize: '4', 'retries-exhausted': '7' });

    const unparseable = byReason.get('unparseable');
    expect(unparseable?.value).toBe('{not json');
    expect(unparseable?.headers['x-origin']).toBe('test');
    expect(unparseable?.info).toMatchObject({ errorClass: 'BadInputError', attempts: 1 });
    expect(unparseable?.info?.errorMessage).toContain('not JSON');
    expect(byReason.get('schema-invalid')?.info).toMatchObject({ errorClass: 'BadInputError', attempts: 1 });
    expect(byReason.get('schema-invalid')?.info?.errorMessage).toMatch(/^id: /);
    expect(byReason.get('oversize')?.info).toMatchObject({ errorClass: 'BadInputError', attempts: 1 });
    expect(byReason.get('oversize')?.info?.errorMessage).toContain('limit is 512');

    const exhausted = byReason.get('retries-exhausted')?.info;
    expect(exhausted).toMatchObject({ errorClass: 'Error', errorMessage: 'upstream down', attempts: 3 });
    expect(exhausted?.eventId).toBe(`${topic}/${partition}/7`);
    expect(Date.parse(exhausted?.lastFailureAt ?? '')).toBeGreaterThan(Date.parse(exhausted?.firstFailureAt ?? ''));
  });

  it('replays a dead letter under its original event id once, and a second replay replays nothing', async () => {
    failing = false;
    const progress: { done: number; total: number }[] = [];
    const replayed = await replayDeadLetters(transport, dlq, {
      filter: (record) => record.info?.reason === 'retries-exhausted',
      onProgress: (p) => progress.push(p),
    });
    expect(replayed).toBe(1);
    expect(progress.at(-1)).toEqual({ done: 4, total: 4 });

    await waitUntil('the replayed task is done', async () => (await doneIds()).includes('fail-1') && (await drained()));
    const source = await readAllRecords(transport, topic);
    expect(source).toHaveLength(10);
    const replay = source.find((r) => r.headers['hearth-replayed-from']);
    const originalId = `${topic}/${replay?.partition}/7`;
    expect(replay?.headers['ce_id']).toBe(originalId);
    expect(replay?.key).toBe('same-key');
    expect(JSON.parse(replay?.value?.toString('utf8') ?? 'null') as unknown).toEqual({ id: 'fail-1', mode: 'fail' });

    expect(calls.get('fail-1')).toBe(4);
    const ledger = await store.query('SELECT 1 FROM hearth_ledger WHERE function_name = $1 AND event_id = $2', [
      fnName,
      originalId,
    ]);
    expect(ledger.rowCount).toBe(1);
    expect((await doneIds()).filter((id) => id === 'fail-1')).toHaveLength(1);

    expect(await replayDeadLetters(transport, dlq)).toBe(0);
    expect(await readAllRecords(transport, topic)).toHaveLength(10);
    expect(await listDeadLetters(transport, dlq)).toHaveLength(4);
  });
});
