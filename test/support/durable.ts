/**
 * Runs durable functions in-process on the real stores: a migrated schema, the SQL durable store, the
 * effect store and a KV, with `invoke` exactly as the hosts call it.
 */
import { randomUUID } from 'node:crypto';
import { migrate, PgDurableStore, PgEffectStore, type PgSqlStore } from '../../shared/adapters/sql/index.ts';
import {
  invoke,
  jsonLogger,
  type AnyFunction,
  type Envelope,
  type InvokeDeps,
  type KvStore,
  type Outcome,
} from '../../shared/core/index.ts';

export interface DurableHarness {
  store: PgDurableStore;
  deps: InvokeDeps;
  /** Invokes `fn` on a Kafka-like envelope of `payload` (the event id is `eventId`). */
  run(
    fn: AnyFunction,
    payload: unknown,
    options?: { eventId?: string; shouldYield?: () => boolean; owner?: string },
  ): Promise<Outcome>;
}

export const quietLog = jsonLogger({ level: 'error', write: (line) => void process.stderr.write(line) });

/**
 * @example const d = await durableHarness(sql, kv)
 */
export async function durableHarness(
  sql: PgSqlStore,
  kv: KvStore,
  options: { migrated?: boolean } = {},
): Promise<DurableHarness> {
  if (!options.migrated) await migrate(sql);
  const store = new PgDurableStore(sql);
  const deps: InvokeDeps = {
    effects: new PgEffectStore(sql),
    database: sql,
    kv,
    log: quietLog,
    durable: { store, owner: 'test-owner' },
  };
  return {
    store,
    deps,
    run: (fn, payload, runOptions = {}) => {
      const eventId = runOptions.eventId ?? randomUUID();
      const envelope: Envelope = {
        id: eventId,
        body: new TextEncoder().encode(JSON.stringify(payload)),
        key: null,
        headers: {},
        source: { kind: 'kafka', topic: 'test', partition: 0, offset: '0' },
        attempt: 1,
      };
      return invoke(fn, envelope, {
        ...deps,
        ...(runOptions.shouldYield ? { shouldYield: runOptions.shouldYield } : {}),
        durable: { store, owner: runOptions.owner ?? 'test-owner' },
      });
    },
  };
}
