import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { migrate, PgEffectStore, type PgSqlStore } from '../../shared/adapters/sql/index.ts';
import { defineFunction, invokeBatch, kafka, NonRetriableError, type Envelope } from '../../shared/core/index.ts';
import { testLog } from '../support/kafka.ts';
import { localKvStore } from '../support/local-kv.ts';
import { testSqlStore } from '../support/pg.ts';

/** Group commit on the real database: one transaction, each event isolated, per-key order kept. */
describe('group commit (invokeBatch on PgEffectStore.runBatch)', () => {
  let store: PgSqlStore;
  let cleanup: () => Promise<void>;
  const kv = localKvStore();
  const fn = defineFunction({
    name: 'group-commit',
    trigger: kafka({ topic: 'group-commit', schema: z.object({ n: z.number().int(), mode: z.string() }) }),
    retries: 3,
    handler: async (e, { sql, emit }) => {
      await sql.query('INSERT INTO gc_effects (n) VALUES ($1)', [e.n]);
      // A failing statement inside the event's savepoint must not poison the others.
      if (e.mode === 'sql-error') await sql.query('INSERT INTO gc_effects (n) VALUES (NULL)');
      if (e.mode === 'transient') throw new Error('upstream busy');
      if (e.mode === 'fatal') throw new NonRetriableError('cannot ever work');
      emit('group-commit.out', { n: e.n }, { key: String(e.n) });
    },
  });
  const envelope = (n: number, key: string, mode = 'ok'): Envelope => ({
    body: Buffer.from(JSON.stringify({ n, mode })),
    key,
    headers: {},
    source: { kind: 'kafka', topic: 'group-commit', partition: 0, offset: String(n) },
    attempt: 1,
  });

  beforeAll(async () => {
    ({ store, cleanup } = await testSqlStore('group_commit'));
    await migrate(store);
    await store.query('CREATE TABLE gc_effects (n INT NOT NULL)');
  });
  afterAll(() => cleanup());

  it('commits the healthy events, isolates failures, defers later events of a failed key', async () => {
    const deps = { effects: new PgEffectStore(store), database: store, kv, log: testLog };
    const batch = [
      envelope(1, 'a'),
      envelope(2, 'b', 'transient'),
      envelope(3, 'b'), // after a failed event of key b: deferred
      envelope(4, 'c', 'sql-error'),
      envelope(5, 'd', 'fatal'),
      { ...envelope(6, 'e'), body: Buffer.from('{not json') },
      envelope(7, 'a'),
    ];
    const outcomes = await invokeBatch(fn, batch, deps);
    expect(outcomes?.map((o) => (o.status === 'dead-letter' ? `${o.status}:${o.reason}` : o.status))).toEqual([
      'done',
      'retry',
      'deferred',
      'retry',
      'dead-letter:non-retriable',
      'dead-letter:unparseable',
      'done',
    ]);
    const effects = await store.query<{ n: number }>('SELECT n FROM gc_effects ORDER BY n');
    expect(effects.rows.map((r) => r.n)).toEqual([1, 7]);
    const ledger = await store.query<{ event_id: string }>(
      "SELECT event_id FROM hearth_ledger WHERE function_name = 'group-commit' ORDER BY event_id",
    );
    expect(ledger.rows.map((r) => r.event_id)).toEqual(['group-commit/0/1', 'group-commit/0/7']);
    const outbox = await store.query<{ topic: string }>('SELECT topic FROM hearth_outbox');
    expect(outbox.rows).toHaveLength(2);

    // The same batch again: committed events are duplicates, nothing is written twice.
    const again = await invokeBatch(fn, [envelope(1, 'a'), envelope(7, 'a')], deps);
    expect(again).toEqual([
      { status: 'done', duplicate: true },
      { status: 'done', duplicate: true },
    ]);
    expect((await store.query('SELECT n FROM gc_effects')).rowCount).toBe(2);
  });
});
