import { hostname } from 'node:os';
import type { InvokeDeps, KvStore, Logger, SqlStore } from '../core/index.ts';
import { DependencyGate, jsonLogger, prettyLine } from '../core/index.ts';
import { kafkaConnectionFromEnv, kafkajsTransport, kafkaPublisher, withSharedAdmin } from '../adapters/kafka/index.ts';
import type { KafkaTransport, TransportProducer } from '../adapters/kafka/index.ts';
import { kvStoreFromEnv } from '../adapters/kv/index.ts';
import {
  functionMigrationSources,
  migrate,
  OutboxRelay,
  PgDurableStore,
  PgEffectStore,
  PgSqlStore,
  readSqlEnv,
  poolConfigOf,
  transactionShareOf,
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
  /** The pool (ctx.database, journal, relay, sweeps). */
  sql: PgSqlStore;
  /** The same pool for event transactions, which may hold only part of it (see transactionShareOf). */
  txSql: SqlStore;
  kv: KvStore;
  /** The durable execution store (journal, leases, waits). */
  durable: PgDurableStore;
  /** Outages are reported here; paused work resumes when the probe sees the dependency back. */
  gate: DependencyGate;
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
  // A terminal gets coloured one-line logs (without the replica, which is the same on every line).
  const pretty =
    config.HEARTH_LOG_FORMAT === 'pretty' || (config.HEARTH_LOG_FORMAT === 'auto' && process.stdout.isTTY === true);
  const log =
    options.log ??
    jsonLogger({
      level: config.HEARTH_LOG_LEVEL,
      context: traceLogFields,
      ...(pretty
        ? { render: (line) => prettyLine(line, process.stdout.isTTY === true && !process.env.NO_COLOR) }
        : { base: { replica: replicaId } }),
    });

  // Short connect retries: an outage longer than that is waited out by the gate, not inside a call.
  const connectRetry = { attempts: 3, initialDelayMs: 100, maxDelayMs: 1_000 };
  const sql = new PgSqlStore({ pool: poolConfigOf(sqlEnv), log, connectRetry });
  const txSql = sql.limited(transactionShareOf(sqlEnv));
  // Probes, metrics and topic checks share one admin connection instead of opening one each.
  const transport = withSharedAdmin(kafkajsTransport(kafkaConnection, { log }));
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
    await transport.closeAdmin();
    throw error;
  }
  const metrics = createHostMetrics();
  const gate = new DependencyGate({
    log,
    probes: {
      sql: () => sql.ping(),
      kv: () => kv.ping(),
      // A metadata request on the shared admin: a real round trip, no new connection.
      kafka: async () => void (await (await transport.admin()).listTopics()),
    },
    onChange: (dependency, up) => metrics.dependencyUp.set({ dependency }, up ? 1 : 0),
  });
  for (const dependency of ['sql', 'kv', 'kafka']) metrics.dependencyUp.set({ dependency }, 1);
  const publisher = kafkaPublisher(producer, {
    admin: () => transport.admin(),
    ...(config.HEARTH_CREATE_TOPICS ? { createWithPartitions: config.HEARTH_TOPIC_PARTITIONS } : {}),
  });
  const relay = new OutboxRelay({ store: sql, publisher, log, gate });
  const durable = new PgDurableStore(sql, { onCommitted: () => relay.notify() });
  // Started once everything connected, so a failed start leaks no SDK. OTEL_* select the exporters;
  // without an endpoint (and without processors given) no SDK starts and spans are no-ops.
  const tracing = await startTracing(env, options.spanProcessors ? { spanProcessors: options.spanProcessors } : {});
  const effects = new PgEffectStore(txSql, {
    log,
    onCommitted: () => relay.notify(),
    onCommittedBatch: (batch) => relay.publishBatch(batch),
  });
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
    txSql,
    kv,
    durable,
    gate,
    transport,
    producer,
    relay,
    metrics,
    replicaId,
    deps: (signal) => ({
      ...traced,
      log,
      hooks,
      gate,
      durable: { store: durable, owner: replicaId, leaseMs: config.HEARTH_DURABLE_LEASE_MS },
      ...(signal ? { signal } : {}),
    }),
    close: async () => {
      await relay.stop();
      gate.close();
      await producer.disconnect();
      await transport.closeAdmin();
      await sql.close();
      setAgentTelemetry(previousAgentTelemetry);
      metrics.stopProcessMetrics();
      await tracing?.shutdown();
    },
  };
}
