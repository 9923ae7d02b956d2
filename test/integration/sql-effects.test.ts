import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PoolConfig } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DependencyUnavailableError, type OutgoingMessage, type SqlTx } from '../../shared/core/index.ts';
import {
  functionMigrationSources,
  insertOutbox,
  migrate,
  OutboxRelay,
  deadOutboxCount,
  pendingOutboxCount,
  PgEffectStore,
  PgSqlStore,
  pruneLedger,
  type Publisher,
} from '../../shared/adapters/sql/index.ts';
import { createTestSchema, testSqlStore, type TestSchema } from '../support/pg.ts';

function message(id: string, key: string | null = 'k'): OutgoingMessage {
  return {
    topic: 'orders.out',
    key,
    value: JSON.stringify({ id }),
    headers: { ce_id: id, 'content-type': 'application/json' },
  };
}

/** Our own Publisher port, collecting what it is given. */
function collectingPublisher(latencyMs = 0): Publisher & { sent: OutgoingMessage[]; failNext: number } {
  const publisher = {
    sent: [] as OutgoingMessage[],
    failNext: 0,
    async publish(messages: OutgoingMessage[]): Promise<void> {
      // Like a broker round trip; lets racing relays interleave.
      if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      if (publisher.failNext > 0) {
        publisher.failNext -= 1;
        throw new DependencyUnavailableError('kafka', 'broker unavailable');
      }
      publisher.sent.push(...messages);
    },
  };
  return publisher;
}

describe('PgEffectStore, outbox relay and migrations', () => {
  let store: PgSqlStore;
  let schemaConfig: PoolConfig;
  let cleanup: () => Promise<void>;
  const committed: OutgoingMessage[][] = [];
  let effects: PgEffectStore;
  const clearOutbox = (): Promise<unknown> => store.query('DELETE FROM hearth_outbox');

  beforeAll(async () => {
    let schema: TestSchema;
    ({ store, schema, cleanup } = await testSqlStore('sql_effects'));
    schemaConfig = schema.poolConfig;
    await migrate(store);
    await store.query('CREATE TABLE orders (id TEXT PRIMARY KEY, total INT NOT NULL)');
    effects = new PgEffectStore(store, { onCommitted: (messages) => committed.push([...messages]) });
  });
  afterAll(() => cleanup());

  it('runs the work once per (function, event id); the second run is a duplicate', async () => {
    await clearOutbox();
    let runs = 0;
    const work = async (tx: SqlTx) => {
      runs += 1;
      await tx.query('INSERT INTO orders (id, total) VALUES ($1, $2)', ['o-1', 10]);
      return { value: 'stored', messages: [message('dup-msg-1')] };
    };
    const first = await effects.runOnce('order-ledger', 'evt-1', work);
    const second = await effects.runOnce('order-ledger', 'evt-1', work);
    expect(first).toEqual({ duplicate: false, value: 'stored' });
    expect(second).toEqual({ duplicate: true });
    expect(runs).toBe(1);
    const orders = await store.query('SELECT id, total FROM orders WHERE id = $1', ['o-1']);
    expect(orders.rows).toEqual([{ id: 'o-1', total: 10 }]);
    const ledger = await store.query('SELECT event_id FROM hearth_ledger WHERE function_name = $1', ['order-ledger']);
    expect(ledger.rows).toEqual([{ event_id: 'evt-1' }]);
    // Another function with the same event id is a different ledger key.
    const other = await effects.runOnce('audit', 'evt-1', () => Promise.resolve({ value: 1, messages: [] }));
    expect(other).toEqual({ duplicate: false, value: 1 });
  });

  it('lets exactly one of two concurrent runs of the same event do the work', async () => {
    let runs = 0;
    const work = async (tx: SqlTx) => {
      runs += 1;
      const { rows } = await tx.query<{ total: number }>('SELECT total FROM orders WHERE id = $1', ['o-1']);
      await tx.query('UPDATE orders SET total = $1 WHERE id = $2', [(rows[0]?.total ?? 0) + 5, 'o-1']);
      return { value: 'added', messages: [] };
    };
    const results = await Promise.all([
      effects.runOnce('order-ledger', 'evt-concurrent', work),
      effects.runOnce('order-ledger', 'evt-concurrent', work),
    ]);
    expect(results.filter((r) => r.duplicate)).toHaveLength(1);
    expect(results.filter((r) => !r.duplicate)).toEqual([{ duplicate: false, value: 'added' }]);
    const { rows } = await store.query<{ total: number }>('SELECT total FROM orders WHERE id = $1', ['o-1']);
    expect(rows[0]?.total).toBe(15);
    expect(runs).toBeGreaterThanOrEqual(1);
  });

  it('leaves no ledger row and no outbox rows when the work throws', async () => {
    await clearOutbox();
    const failure = new Error('handler failed');
    await expect(
      effects.runOnce('order-ledger', 'evt-fail', async (tx) => {
        await tx.query('INSERT INTO orders (id, total) VALUES ($1, $2)', ['o-fail', 1]);
        await insertOutbox(tx, [message('fail-msg')]);
        throw failure;
      }),
    ).rejects.toBe(failure);
    const ledger = await store.query('SELECT 1 FROM hearth_ledger WHERE event_id = $1', ['evt-fail']);
    const orders = await store.query('SELECT 1 FROM orders WHERE id = $1', ['o-fail']);
    expect(ledger.rowCount).toBe(0);
    expect(orders.rowCount).toBe(0);
    expect(await pendingOutboxCount(store)).toBe(0);
    // A later attempt of the same event runs normally.
    const retry = await effects.runOnce('order-ledger', 'evt-fail', () =>
      Promise.resolve({ value: 'ok', messages: [] }),
    );
    expect(retry).toEqual({ duplicate: false, value: 'ok' });
  });

  it('puts emitted messages in the outbox and reports them after commit', async () => {
    await clearOutbox();
    committed.length = 0;
    const messages = [message('m-a', 'key-1'), message('m-b', null), message('m-c', 'key-1')];
    await effects.runOnce('emitter', 'evt-emit', () => Promise.resolve({ value: null, messages }));
    expect(committed).toEqual([messages]);
    expect(await pendingOutboxCount(store)).toBe(3);
    const { rows } = await store.query('SELECT id, topic, message_key, value, headers FROM hearth_outbox ORDER BY seq');
    expect(rows).toEqual(
      messages.map((m) => ({
        id: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
        topic: m.topic,
        message_key: m.key,
        value: m.value,
        headers: m.headers,
      })),
    );
  });

  it('keeps one event forwarded under the same ce_id to two topics, and drops a repeat to the same topic', async () => {
    await clearOutbox();
    const forwarded = message('same-id', 'k');
    const copies = [forwarded, { ...forwarded, topic: 'other-topic' }, { ...forwarded }];
    await effects.runOnce('emitter', 'evt-forward', () => Promise.resolve({ value: null, messages: copies }));
    const { rows } = await store.query<{ topic: string }>('SELECT topic FROM hearth_outbox ORDER BY topic');
    expect(rows.map((r) => r.topic).sort()).toEqual([forwarded.topic, 'other-topic'].sort());
  });

  it('relays the outbox in emit order to the publisher and deletes published rows', async () => {
    await clearOutbox();
    const ids = Array.from({ length: 25 }, (_, i) => `ordered-${String(i).padStart(2, '0')}`);
    await effects.runOnce('emitter', 'evt-ordered', () =>
      Promise.resolve({ value: null, messages: [...ids].reverse().map((id) => message(id)) }),
    );
    const publisher = collectingPublisher();
    const relay = new OutboxRelay({ store, publisher, batchSize: 10 });
    expect(await relay.flush()).toBe(25);
    expect(publisher.sent.map((m) => m.headers['ce_id'])).toEqual([...ids].reverse());
    expect(publisher.sent[0]).toEqual(message(ids[24]!));
    expect(await pendingOutboxCount(store)).toBe(0);
    await relay.stop();
  });

  it('keeps rows while the broker is down and sends them on the next flush', async () => {
    await clearOutbox();
    await store.transaction((tx) => insertOutbox(tx, [message('retry-1'), message('retry-2')]));
    const publisher = collectingPublisher();
    publisher.failNext = 1;
    const relay = new OutboxRelay({ store, publisher });
    await expect(relay.flush()).rejects.toThrow('broker unavailable');
    expect(await pendingOutboxCount(store)).toBe(2);
    expect(await relay.flush()).toBe(2);
    expect(publisher.sent.map((m) => m.headers['ce_id'])).toEqual(['retry-1', 'retry-2']);
    expect(await pendingOutboxCount(store)).toBe(0);
    await relay.stop();
  });

  it('retries a row the broker refuses, then parks it as dead, while the rows behind it go out', async () => {
    await clearOutbox();
    const bad = { ...message('refused-1'), topic: 'no-such-topic' };
    await store.transaction((tx) =>
      insertOutbox(tx, [bad, ...['after-1', 'after-2', 'after-3'].map((id) => message(id))]),
    );
    const sent: string[] = [];
    const publisher = {
      publish(messages: readonly OutgoingMessage[]): Promise<void> {
        if (messages.some((m) => m.topic === 'no-such-topic')) return Promise.reject(new Error('unknown topic'));
        sent.push(...messages.map((m) => m.headers['ce_id'] ?? ''));
        return Promise.resolve();
      },
    };
    const relay = new OutboxRelay({ store, publisher, maxAttempts: 2 });
    expect(await relay.flush()).toBe(3);
    expect(sent).toEqual(['after-1', 'after-2', 'after-3']);
    const first = await store.query<{ attempts: number; last_error: string; dead_at: Date | null }>(
      'SELECT attempts, last_error, dead_at FROM hearth_outbox',
    );
    expect(first.rows).toEqual([{ attempts: 1, last_error: 'unknown topic', dead_at: null }]);
    // Not claimable again before its backoff; then the second failure parks it.
    expect(await relay.flush()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await relay.flush()).toBe(0);
    expect(relay.parked).toBe(1);
    expect(await pendingOutboxCount(store)).toBe(0);
    expect(await deadOutboxCount(store)).toBe(1);
    await store.transaction((tx) => insertOutbox(tx, [message('later')]));
    expect(await relay.flush()).toBe(1);
    expect(sent.at(-1)).toBe('later');
    await relay.stop();
  });

  it('publishes on notify, and flushes what is left on stop', async () => {
    await clearOutbox();
    const publisher = collectingPublisher();
    const relay = new OutboxRelay({ store, publisher, sweepIntervalMs: 60_000 });
    relay.start();
    const notifying = new PgEffectStore(store, { onCommitted: () => relay.notify() });
    await notifying.runOnce('emitter', 'evt-notify', () =>
      Promise.resolve({ value: null, messages: [message('notified')] }),
    );
    await relay.flush();
    expect(publisher.sent.map((m) => m.headers['ce_id'])).toEqual(['notified']);
    await store.transaction((tx) => insertOutbox(tx, [message('left-behind')]));
    await relay.stop();
    expect(publisher.sent.map((m) => m.headers['ce_id'])).toEqual(['notified', 'left-behind']);
    expect(await pendingOutboxCount(store)).toBe(0);
  });

  it('two relays racing publish every row at least once and empty the outbox', async () => {
    await clearOutbox();
    const ids = Array.from({ length: 200 }, (_, i) => `race-${i}`);
    for (let i = 0; i < ids.length; i += 50) {
      await store.transaction((tx) =>
        insertOutbox(
          tx,
          ids.slice(i, i + 50).map((id) => message(id)),
        ),
      );
    }
    const a = collectingPublisher(5);
    const b = collectingPublisher(5);
    // Separate pools, like two replicas.
    const storeB = new PgSqlStore({ pool: schemaConfig });
    const relayA = new OutboxRelay({ store, publisher: a, batchSize: 15 });
    const relayB = new OutboxRelay({ store: storeB, publisher: b, batchSize: 15 });
    await Promise.all([relayA.flush(), relayB.flush(), relayA.flush(), relayB.flush()]);
    await Promise.all([relayA.stop(), relayB.stop()]);
    await storeB.close();
    const sent = new Set([...a.sent, ...b.sent].map((m) => m.headers['ce_id']));
    expect([...sent].sort()).toEqual([...ids].sort());
    expect(await pendingOutboxCount(store)).toBe(0);
  });

  it('prunes ledger rows older than the cutoff in batches', async () => {
    await store.query('DELETE FROM hearth_ledger');
    await store.query(
      `INSERT INTO hearth_ledger (function_name, event_id, processed_at)
       SELECT 'pruned', 'old-' || g::TEXT, now() - INTERVAL '10 days' FROM generate_series(1, 7) AS g`,
    );
    await effects.runOnce('pruned', 'fresh', () => Promise.resolve({ value: null, messages: [] }));
    const deleted = await pruneLedger(store, new Date(Date.now() - 86_400_000), { batchSize: 3 });
    expect(deleted).toBe(7);
    const { rows } = await store.query('SELECT event_id FROM hearth_ledger');
    expect(rows).toEqual([{ event_id: 'fresh' }]);
  });
});

const RUNTIME_MIGRATIONS = [
  'hearth/001_runtime.sql',
  'hearth/002_durable.sql',
  'hearth/003_outbox_retry.sql',
  'hearth/004_outbox_batches.sql',
];

describe('migrate', () => {
  it('is idempotent and safe when several processes run it at once', async () => {
    const schema = await createTestSchema('sql_migrate');
    const stores = [0, 1, 2].map(() => new PgSqlStore({ pool: schema.poolConfig }));
    try {
      const results = await Promise.all(stores.map((s) => migrate(s)));
      // Every migration was applied by exactly one of the runners.
      expect(results.flat().sort()).toEqual(RUNTIME_MIGRATIONS);
      expect(await migrate(stores[0]!)).toEqual([]);
      const { rows } = await stores[0]!.query('SELECT version FROM hearth_migrations ORDER BY version');
      expect(rows).toEqual(RUNTIME_MIGRATIONS.map((version) => ({ version })));
      expect(await pendingOutboxCount(stores[0]!)).toBe(0);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await schema.drop();
    }
  });

  it('applies function packages’ migrations under their own namespace', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hearth-fns-'));
    const { store, cleanup } = await testSqlStore('sql_fn_migrate');
    try {
      await mkdir(join(root, 'order-ledger', 'migrations'), { recursive: true });
      await mkdir(join(root, 'no-migrations'), { recursive: true });
      await writeFile(
        join(root, 'order-ledger', 'migrations', '001_orders.sql'),
        'CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY);',
      );
      await writeFile(
        join(root, 'order-ledger', 'migrations', '002_totals.sql'),
        'CREATE TABLE IF NOT EXISTS totals (id TEXT PRIMARY KEY);\nCREATE INDEX IF NOT EXISTS totals_id ON totals (id);',
      );
      const sources = await functionMigrationSources(root);
      expect(sources.map((s) => s.namespace)).toEqual(['functions/order-ledger']);
      expect(await migrate(store, { sources })).toEqual([
        ...RUNTIME_MIGRATIONS,
        'functions/order-ledger/001_orders.sql',
        'functions/order-ledger/002_totals.sql',
      ]);
      expect(await migrate(store, { sources })).toEqual([]);
      const { rowCount } = await store.query('SELECT id FROM totals');
      expect(rowCount).toBe(0);
    } finally {
      await cleanup();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('rejects badly named migration files with the expected pattern', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hearth-fns-'));
    const { store, cleanup } = await testSqlStore('sql_bad_migrate');
    try {
      await mkdir(join(root, 'broken', 'migrations'), { recursive: true });
      await writeFile(join(root, 'broken', 'migrations', 'orders.sql'), 'SELECT 1;');
      const sources = await functionMigrationSources(root);
      await expect(migrate(store, { sources })).rejects.toThrow(
        /orders\.sql: file names must look like 001_create_orders\.sql/,
      );
    } finally {
      await cleanup();
      await rm(root, { recursive: true, force: true });
    }
  });
});
