import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startFunctionConsumer, type FunctionConsumer } from '../../shared/adapters/kafka/index.ts';
import { migrate, PgEffectStore, type PgSqlStore } from '../../shared/adapters/sql/index.ts';
import { defineFunction, kafka, RetryAfterError, type OutgoingMessage } from '../../shared/core/index.ts';
import {
  cleanupKafka,
  createTopics,
  produce,
  testKafkaTransport,
  testLog,
  uniqueName,
  waitUntil,
} from '../support/kafka.ts';
import { localKvStore } from '../support/local-kv.ts';
import { testSqlStore } from '../support/pg.ts';

describe('Kafka function consumer drain', () => {
  const transport = testKafkaTransport();
  const topic = uniqueName('kdr-jobs');
  const fnName = uniqueName('kdr-worker');
  const kv = localKvStore();
  const calls = new Map<string, number>();
  let rateLimited = true;
  let slowStarted: () => void = () => {};
  let store: PgSqlStore;
  let cleanupSql: () => Promise<void>;
  const consumers: FunctionConsumer[] = [];

  const fn = defineFunction({
    name: fnName,
    trigger: kafka({ topic, schema: z.object({ id: z.string(), mode: z.enum(['slow', 'fast', 'limited']) }) }),
    handler: async (job, { sql }) => {
      calls.set(job.id, (calls.get(job.id) ?? 0) + 1);
      if (job.mode === 'slow') {
        slowStarted();
        // Longer than the moment stop() is called; the drain must wait for it.
        await new Promise((resolve) => setTimeout(resolve, 1_500));
      }
      // A retry delay far beyond the test: only a drain can end this wait.
      if (job.mode === 'limited' && rateLimited) throw new RetryAfterError('rate limited', { retryAfterMs: 600_000 });
      await sql.query('INSERT INTO kdr_done (id) VALUES ($1)', [job.id]);
    },
  });
  const job = (id: string, mode: string, key = id): OutgoingMessage => ({
    topic,
    key,
    value: JSON.stringify({ id, mode }),
    headers: { ce_id: `${topic}-${id}` },
  });
  const start = async (seen: string[]): Promise<FunctionConsumer> => {
    const consumer = await startFunctionConsumer(fn, {
      transport,
      deps: { effects: new PgEffectStore(store), database: store, kv, log: testLog },
      onOutcome: (_fn, envelope) => void seen.push(envelope.headers['ce_id'] ?? '?'),
    });
    consumers.push(consumer);
    return consumer;
  };
  const ledgerCount = async (): Promise<number> =>
    Number(
      (await store.query<{ n: string }>('SELECT count(*) AS n FROM hearth_ledger WHERE function_name = $1', [fnName]))
        .rows[0]?.n,
    );
  const committed = async (): Promise<number> => {
    const admin = await transport.admin();
    try {
      const lag = await admin.groupLag(`hearth.${fnName}`, [topic]);
      return lag.reduce((sum, p) => sum + Number(BigInt(p.committed ?? p.start) - BigInt(p.start)), 0);
    } finally {
      await admin.disconnect();
    }
  };

  beforeAll(async () => {
    ({ store, cleanup: cleanupSql } = await testSqlStore('kafka_drain'));
    await migrate(store);
    await store.query('CREATE TABLE kdr_done (id TEXT PRIMARY KEY)');
    // One partition: the offsets of this test's records are 0, 1, 2, ...
    await createTopics(transport, [topic], 1);
  });

  afterAll(async () => {
    for (const consumer of consumers) await consumer.stop(10_000);
    await cleanupKafka(transport, [topic, `${fnName}.dlq`], [`hearth.${fnName}`]);
    await cleanupSql();
  });

  it('finishes a running handler and commits it; the next member of the group does not reprocess it', async () => {
    const first: string[] = [];
    const consumer = await start(first);
    const started = new Promise<void>((resolve) => (slowStarted = resolve));
    await produce(transport, [job('slow-1', 'slow')]);
    await started;
    await consumer.stop(20_000);

    expect(calls.get('slow-1')).toBe(1);
    expect(first).toEqual([`${topic}-slow-1`]);
    expect(await ledgerCount()).toBe(1);
    expect(await committed()).toBe(1);

    const second: string[] = [];
    const next = await start(second);
    await produce(transport, [job('fast-1', 'fast')]);
    await waitUntil('the new member processed the next event', () => second.length >= 1);
    await next.stop(20_000);
    expect(second).toEqual([`${topic}-fast-1`]);
    expect(calls.get('slow-1')).toBe(1);
    expect(await ledgerCount()).toBe(2);
    expect(await committed()).toBe(2);
  });

  it('abandons a retry wait on stop, committing only the completed prefix; the next member redoes the rest', async () => {
    const first: string[] = [];
    const consumer = await start(first);
    await produce(transport, [
      job('fast-2', 'fast', 'k'),
      job('limited-1', 'limited', 'k'),
      job('fast-3', 'fast', 'k'),
    ]);
    await waitUntil('the rate-limited job was tried', () => calls.get('limited-1') === 1 && first.length === 1);
    await consumer.stop(20_000);
    expect(first).toEqual([`${topic}-fast-2`]);
    // fast-2 ran first in the fast-path chunk that limited-1's failure rolled back, then again (committed)
    // before limited-1's retry wait; fast-3 waits behind limited-1 and never ran.
    expect(calls.get('fast-2')).toBe(2);
    expect(calls.get('fast-3')).toBeUndefined();
    expect(await committed()).toBe(3);

    rateLimited = false;
    const second: string[] = [];
    await start(second); // stopped in afterAll
    await waitUntil('the rest was processed', () => second.length >= 2);
    expect(second).toEqual([`${topic}-limited-1`, `${topic}-fast-3`]);
    expect(calls.get('limited-1')).toBe(2);
    // The next member does not redo what the first committed.
    expect(calls.get('fast-2')).toBe(2);
    await waitUntil('everything is committed', async () => (await committed()) === 5);
    expect(await ledgerCount()).toBe(5);
  });
});
