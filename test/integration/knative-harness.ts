/**
 * The Knative receiver mounted in a plain node:http server on a random port, over a real PgEffectStore
 * (fresh schema, runtime migrations applied) and the real KV adapter (Upstash REST over Redis).
 */
import { UpstashKvStore } from '../../shared/adapters/kv/index.ts';
import { knativeReceiver } from '../../shared/adapters/knative/index.ts';
import type { KnativeReceiverOptions } from '../../shared/adapters/knative/index.ts';
import { migrate, PgEffectStore, type PgSqlStore } from '../../shared/adapters/sql/index.ts';
import { jsonLogger } from '../../shared/core/index.ts';
import type { AnyFunction, KvStore } from '../../shared/core/index.ts';
import { serveRoute } from '../support/route-server.ts';
import { testSqlStore } from '../support/pg.ts';
import { startUpstashRestServer } from '../support/upstash-rest-server.ts';

export interface ReceiverHarness {
  /** Base URL of the server, e.g. http://127.0.0.1:43121 */
  url: string;
  sql: PgSqlStore;
  kv: KvStore;
  close(): Promise<void>;
}

/**
 * Starts the harness; `setup` creates the test's tables before the server takes requests.
 * @example const h = await startReceiverHarness([fn], async (sql) => sql.query('CREATE TABLE ...'))
 */
export async function startReceiverHarness(
  functions: readonly AnyFunction[],
  setup: (sql: PgSqlStore) => Promise<unknown>,
  options: KnativeReceiverOptions = {},
): Promise<ReceiverHarness> {
  const { store: sql, cleanup } = await testSqlStore('knative');
  await migrate(sql);
  await setup(sql);
  const rest = await startUpstashRestServer();
  const kv = new UpstashKvStore({ url: rest.url, token: rest.token });
  const log = jsonLogger({ level: 'silent' });
  const route = knativeReceiver(functions, { effects: new PgEffectStore(sql), database: sql, kv, log }, options);
  const { server, port } = await serveRoute(route);
  return {
    url: `http://127.0.0.1:${port}`,
    sql,
    kv,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rest.close();
      await cleanup();
    },
  };
}

/** What a KafkaSource sends for a plain (non-CloudEvent) record, in binary mode. */
export interface KafkaRecordLike {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers?: Record<string, string>;
  timestamp?: Date;
}

/**
 * The binary-mode HTTP headers KafkaSource's dispatcher sets for a record that is not a CloudEvent:
 * id `partition:<p>/offset:<o>`, subject `partition:<p>#<o>`, source `.../kafkasources/<name>#<topic>`,
 * type dev.knative.kafka.event, the key as `key`/`partitionkey`, headers as `kafkaheader<name>`.
 * @example await fetch(url, { method: 'POST', headers: kafkaSourceHeaders(record), body: record.value })
 */
export function kafkaSourceHeaders(record: KafkaRecordLike, sourceName = 'hearth-test'): Record<string, string> {
  const headers: Record<string, string> = {
    'ce-specversion': '1.0',
    'ce-id': `partition:${record.partition}/offset:${record.offset}`,
    'ce-subject': `partition:${record.partition}#${record.offset}`,
    'ce-source': `/apis/v1/namespaces/hearth/kafkasources/${sourceName}#${record.topic}`,
    'ce-type': 'dev.knative.kafka.event',
    'ce-time': (record.timestamp ?? new Date()).toISOString(),
    'ce-knativekafkapartition': String(record.partition),
    'ce-knativekafkaoffset': record.offset,
    'content-type': 'application/json',
  };
  if (record.key !== null) {
    headers['ce-key'] = record.key;
    headers['ce-partitionkey'] = record.key;
  }
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    headers[`ce-kafkaheader${name.toLowerCase().replace(/[^a-z0-9]/g, '')}`] = encodeURIComponent(value);
  }
  return headers;
}
