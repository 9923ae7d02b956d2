import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, PgDurableStore, type PgSqlStore } from '../../shared/adapters/sql/index.ts';
import { testSqlStore } from '../support/pg.ts';

/**
 * A replica whose lease another replica took over cannot finish the execution: its completion writes no
 * ledger row and no outbox row, and the new owner's completion does.
 */
let sql: PgSqlStore;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ store: sql, cleanup } = await testSqlStore('durable_lease'));
  await migrate(sql);
});
afterAll(() => cleanup?.());

describe('durable completion is gated on the lease', () => {
  it('a replica that lost its lease completes nothing; the owner that took over does', async () => {
    const store = new PgDurableStore(sql);
    const ref = { functionName: 'lease-fn', key: 'k1' };
    const claim = (owner: string, leaseMs: number) =>
      store.claim({
        ref,
        eventId: 'e1',
        owner,
        leaseMs,
        envelope: {
          body: '{}',
          key: null,
          headers: {},
          source: { kind: 'kafka', topic: 't', partition: 0, offset: '1' },
        },
        cancelKey: null,
        attempt: 1,
      });
    expect((await claim('replica-a', 50)).state).toBe('claimed');
    await sleep(120);
    expect((await claim('replica-b', 60_000)).state).toBe('claimed');
    const message = (value: string) => ({ topic: 'out', key: null, value, headers: { ce_id: 'e1-0' } });

    const stale = await store.complete(ref, 'replica-a', { eventId: 'e1', value: 'a', messages: [message('from a')] });
    expect(stale).toEqual({ duplicate: true });
    const rows = async () => ({
      ledger: (await sql.query("SELECT 1 FROM hearth_ledger WHERE function_name = 'lease-fn'")).rowCount,
      outbox: (await sql.query<{ value: string }>("SELECT value FROM hearth_outbox WHERE topic = 'out'")).rows,
    });
    expect(await rows()).toEqual({ ledger: 0, outbox: [] });

    const owner = await store.complete(ref, 'replica-b', { eventId: 'e1', value: 'b', messages: [message('from b')] });
    expect(owner).toEqual({ duplicate: false });
    expect(await rows()).toEqual({ ledger: 1, outbox: [{ value: 'from b' }] });
  });
});
