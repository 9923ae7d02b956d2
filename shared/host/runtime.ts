import { hostname } from 'node:os';
import type { InvokeDeps, KvStore, Logger } from '../core/index.ts';
import { jsonLogger } from '../core/index.ts';
import { kafkaConnectionFromEnv, kafkajsTransport } from '../adapters/kafka/index.ts';
import type { KafkaTransport, TransportProducer } from '../adapters/kafka/index.ts';
import { kvStoreFromEnv } from '../adapters/kv/index.ts';
import {
  functionMigrationSources,
  migrate,
  OutboxRelay,
  PgEffectStore,
  PgSqlStore,
  poolConfigOf,
  readSqlEnv,
  type MigrationSource,
} from '../adapters/sql/index.ts';
import { otelAgentTelemetry } from '../adapters/telemetry/agent-telemetry.ts';
import { traceLogFields } from '../adapters/telemetry/log-context.ts';
import { tracedEffectStore, tracedKvStore, tracedSqlStore } from '../adapters/telemetry/traced-stores.ts';
import { tracingHook } from '../adapters/telemetry/tracing-hook.ts';
import { startTracing, type SpanProcessors } from '../adapters/telemetry/tracing-sdk.ts';
import { setAgentTelemetry } from '../agent/telemetry/port.ts';
import { readHostConfig, type HostConfig } from './config.ts';
import { createHostMetrics, metricsHook, type HostMetrics } from './metrics.ts';
import { FUNCTIONS_DIR } from './registry.ts';
import { fileURLToPath } from 'node:url';

/** Everything a host or a CLI command needs, connected. */
export interface Runtime {
  config: HostConfig;
  log: Logger;
  sql: PgSqlStore;
  kv: KvStore;
  transport: KafkaTransport;
  producer: TransportProducer;
  relay: OutboxRelay;
  metrics: HostMetrics;
  replicaId: string;
  /** The core's dependencies; `signal` aborts retry waits and handlers on shutdown. */
  deps(signal?: AbortSignal): InvokeDeps;
  close(): Promise<void>;
}

/** Migrations beyond the runtime's own: the agent layer's and each function package's. */
export async function migrationSources(functionsDir: string = FUNCTIONS_DIR): Promise<MigrationSource[]> {
  const agent: MigrationSource = {
    namespace: 'agent',
    dir: fileURLToPath(new URL('../agent/migrations/', import.meta.url)),
  };
  return [agent, ...(await functionMigrationSources(functionsDir))];
}

/**
 * Validates every variable first (a bad one throws a ConfigError naming it, before anything connects),
 * then connects SQL, KV and Kafka and starts the outbox relay.
 * @example const rt = await createRuntime(process.env); ...; await rt.close()
 */
export async function createRuntime(
  env: Record<string, string | undefined>,
  options: {
    log?: Logger;
    migrate?: boolean;
    functionsDir?: string | undefined;
    /** Span processors replacing the OTEL_* exporters, and turning tracing on (tests). */
    spanProcessors?: SpanProcessors;
  } = {},
): Promise<Runtime> {
  const config = readHostConfig(env);
  const sqlEnv = readSqlEnv(env);
  const kafkaConnection = kafkaConnectionFromEnv(env);
  const kv = kvStoreFromEnv(env);
  const replicaId = config.HEARTH_REPLICA_ID ?? `${hostname()}-${process.pid}`;
  const log =
    options.log ??
    jsonLogger({ level: config.HEARTH_LOG_LEVEL, base: { replica: replicaId }, context: traceLogFields });

  const sql = new PgSqlStore({
    pool: poolConfigOf(sqlEnv),
    log,
  });
  const transport = kafkajsTransport(kafkaConnection, { log });
  let producer: TransportProducer;
  try {
    if (options.migrate ?? config.HEARTH_MIGRATE_ON_START) {
      const applied = await migrate(sql, { log, sources: await migrationSources(options.functionsDir) });
      if (applied.length > 0) log.info('migrations applied', { versions: applied });
    }
    producer = await transport.producer();
  } catch (error) {
    // A failed start leaves no open pool behind.
    await sql.close();
    throw error;
  }
  const publisher = { publish: (messages: Parameters<TransportProducer['send']>[0]) => producer.send(messages) };
  const relay = new OutboxRelay({ store: sql, publisher, log });
  const metrics = createHostMetrics();
  // Started once everything connected, so a failed start leaks no SDK. OTEL_* select the exporters;
  // without an endpoint (and without processors given) no SDK starts and spans are no-ops.
  const tracing = startTracing(env, options.spanProcessors ? { spanProcessors: options.spanProcessors } : {});
  const effects = new PgEffectStore(sql, { log, onCommitted: () => relay.notify() });
  relay.start();
  const previousAgentTelemetry = setAgentTelemetry(otelAgentTelemetry(metrics.agent));
  const hooks = tracing ? [tracingHook(), metricsHook(metrics)] : [metricsHook(metrics)];
  const traced = tracing
    ? { effects: tracedEffectStore(effects), database: tracedSqlStore(sql), kv: tracedKvStore(kv) }
    : { effects, database: sql, kv };

  return {
    config,
    log,
    sql,
    kv,
    transport,
    producer,
    relay,
    metrics,
    replicaId,
    deps: (signal) => ({ ...traced, log, hooks, ...(signal ? { signal } : {}) }),
    close: async () => {
      await relay.stop();
      await producer.disconnect();
      await sql.close();
      setAgentTelemetry(previousAgentTelemetry);
      await tracing?.shutdown();
    },
  };
}
