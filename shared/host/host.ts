import type { Server } from 'node:http';
import { ConfigError, type AnyFunction, type InvokeDeps, type OutgoingMessage } from '../core/index.ts';
import { DurableResumer } from '../core/durable/resumer.ts';
import {
  functionGroupId,
  replayGroupId,
  startFunctionConsumer,
  type FunctionConsumer,
} from '../adapters/kafka/index.ts';
import { startWaitConsumer, type WaitConsumer } from '../adapters/kafka/wait-consumer.ts';
import { CronScheduler } from '../adapters/cron/index.ts';
import { httpFunctionsRoute } from '../adapters/http/functions-route.ts';
import { startHttpServer } from '../adapters/http/server.ts';
import type { HttpRoute } from '../adapters/http/types.ts';
import { deadOutboxCount, durableExecutionCounts, pendingOutboxCount } from '../adapters/sql/index.ts';
import type { Runtime } from './runtime.ts';
import { feedHook, InvocationFeed } from './dev-ui/feed.ts';

/** A running host: consumers, cron, HTTP. */
export interface Host {
  readonly server: Server;
  readonly port: number;
  /** Drains within HEARTH_DRAIN_TIMEOUT_MS: stop fetching, finish in-flight work, commit, disconnect. */
  stop(): Promise<void>;
}

/** Extra HTTP routes a platform mounts (Knative receiver, Dapr callback), on the host's core deps. */
export type PlatformRoutes = (functions: readonly AnyFunction[], rt: Runtime, deps: InvokeDeps) => HttpRoute[];

/**
 * Starts the functions on a runtime: on the local platform one consumer group per Kafka function and
 * the cron scheduler; on every platform the HTTP server with /health, /ready, /metrics, HTTP-triggered
 * functions and the platform's routes.
 * @example const host = await startHost(functions, rt); process.once('SIGTERM', () => host.stop())
 */
export async function startHost(
  functions: readonly AnyFunction[],
  rt: Runtime,
  options: {
    platformRoutes?: PlatformRoutes;
    /** Something stopped for good (a consumer crash): the caller should stop the host and exit non-zero. */
    onFatal?: (error: Error) => void;
    /** Serve the dev UI at /_hearth/: in dev mode with the page's token, else behind HEARTH_DEV_UI_TOKEN. */
    devUi?: { devToken?: string };
  } = {},
): Promise<Host> {
  const { config, log, metrics } = rt;
  const shutdown = new AbortController();
  const devUi = devUiSetting(config, options.devUi);
  const feed = devUi ? new InvocationFeed() : undefined;
  const core = rt.deps(shutdown.signal);
  const base: InvokeDeps = feed ? { ...core, hooks: [...(core.hooks ?? []), feedHook(feed)] } : core;
  // Every platform resumes parked durable executions and answers their waits from this process.
  const resumer = new DurableResumer({
    functions,
    store: rt.durable,
    deps: base,
    owner: rt.replicaId,
    log,
    deadLetter: (message) => rt.producer.send([message]),
    concurrency: config.HEARTH_DURABLE_CONCURRENCY,
    leaseMs: config.HEARTH_DURABLE_LEASE_MS,
  });
  // Executions parked here arm a local timer so they resume on time (the sweep is the fallback).
  const deps: InvokeDeps = {
    ...base,
    ...(base.durable ? { durable: { ...base.durable, onParked: (ref, wakeAt) => resumer.schedule(ref, wakeAt) } } : {}),
  };
  const local = config.HEARTH_PLATFORM === 'local';
  let accepting = true;

  if (config.HEARTH_CREATE_TOPICS) await ensureTopics(functions, rt);

  const consumers: FunctionConsumer[] = [];
  let cron: CronScheduler | undefined;
  const sendDeadLetter = (message: OutgoingMessage): Promise<void> => rt.producer.send([message]);
  // While a dependency is down no new batches are fetched; the ones in flight wait for it.
  rt.gate.subscribe(() => {
    const paused = rt.gate.downs().length > 0;
    for (const consumer of consumers) {
      if (paused) consumer.pause();
      else consumer.resume();
    }
  });
  const waitConsumers: WaitConsumer[] = [];
  for (const fn of functions.filter((f) => (f.durable?.waitsFor.length ?? 0) > 0)) {
    const waits = await startWaitConsumer(fn, {
      transport: rt.transport,
      store: rt.durable,
      log,
      gate: rt.gate,
      onResolved: () => resumer.wake(),
    });
    if (waits) waitConsumers.push(waits);
  }
  resumer.start();
  if (local) {
    for (const fn of functions.filter((f) => f.trigger.kind === 'kafka')) {
      consumers.push(
        await startFunctionConsumer(fn, {
          transport: rt.transport,
          deps,
          producer: rt.producer,
          partitionsConcurrently: config.HEARTH_PARTITIONS_CONCURRENTLY,
          sessionTimeoutMs: config.HEARTH_KAFKA_SESSION_TIMEOUT_MS,
          onCrash: (error) => {
            log.error('consumer stopped for good', { function: fn.name, error });
            accepting = false;
            options.onFatal?.(error);
          },
        }),
      );
    }
    const cronFunctions = functions.filter((f) => f.trigger.kind === 'cron');
    if (cronFunctions.length > 0) {
      cron = new CronScheduler({
        functions: cronFunctions,
        sql: rt.sql,
        deps,
        deadLetter: sendDeadLetter,
        log,
        replicaId: rt.replicaId,
        stopTimeoutMs: Math.max(1, config.HEARTH_DRAIN_TIMEOUT_MS),
        onTick: (tick) => {
          if (tick.ran) metrics.cronDelay.observe({ function: tick.function }, tick.delayMs / 1000);
        },
      });
      await cron.start();
    }
  }

  const kafkaFunctions = functions.filter((f) => f.trigger.kind === 'kafka');
  metrics.consumerLag.collect = async () => {
    metrics.consumerLag.reset();
    if (kafkaFunctions.length === 0) return;
    const admin = await rt.transport.admin();
    try {
      for (const fn of kafkaFunctions) {
        if (fn.trigger.kind !== 'kafka') continue;
        for (const p of await admin.groupLag(functionGroupId(fn), fn.trigger.topics)) {
          metrics.consumerLag.set({ function: fn.name, topic: p.topic, partition: String(p.partition) }, p.lag);
        }
      }
    } finally {
      await admin.disconnect();
    }
  };
  metrics.outboxPending.collect = async () => metrics.outboxPending.set({}, await pendingOutboxCount(rt.sql));
  metrics.outboxDead.collect = async () => metrics.outboxDead.set({}, await deadOutboxCount(rt.sql));
  metrics.durableExecutions.collect = async () => {
    metrics.durableExecutions.reset();
    for (const [status, n] of Object.entries(await durableExecutionCounts(rt.sql)))
      metrics.durableExecutions.set({ status }, n);
  };
  // Depth = records past the replay group's position (`hearth replay` commits there), all of them before any replay.
  metrics.deadLetterDepth.collect = async () => {
    metrics.deadLetterDepth.reset();
    const admin = await rt.transport.admin();
    try {
      for (const fn of functions) {
        const topic = fn.deadLetterTopic;
        const lags = await admin.groupLag(replayGroupId(topic), [topic]).catch((error: unknown) => {
          log.debug('dead-letter depth unavailable', { topic, error });
          return [];
        });
        if (lags.length > 0)
          metrics.deadLetterDepth.set(
            { function: fn.name, topic },
            lags.reduce((n, p) => n + p.lag, 0),
          );
      }
    } finally {
      await admin.disconnect();
    }
  };
  for (const fn of functions) metrics.functionUp.set({ function: fn.name, trigger: fn.trigger.kind }, 1);

  const routes = [httpFunctionsRoute(functions, deps), ...(options.platformRoutes?.(functions, rt, deps) ?? [])];
  if (devUi && feed) {
    // Loaded only where the UI is served, so a production host carries none of it.
    const { devUiRoute } = await import('./dev-ui/routes.ts');
    routes.push(
      devUiRoute({
        functions,
        sql: rt.sql,
        store: rt.durable,
        transport: rt.transport,
        send: (messages) => rt.producer.send(messages),
        feed,
        log,
        ...devUi,
      }),
    );
  }
  const server = await startHttpServer({
    port: config.HEARTH_HTTP_PORT,
    ...(config.HEARTH_HTTP_HOST ? { host: config.HEARTH_HTTP_HOST } : {}),
    routes,
    log,
    accepting: () => accepting,
    renderMetrics: () => metrics.registry.render(),
    readiness: {
      sql: () => rt.sql.ping(),
      kv: () => rt.kv.ping(),
      kafka: async () => void (await (await rt.transport.admin()).listTopics()),
    },
    paused: () =>
      rt.gate.downs().map((d) => ({ dependency: d.dependency, since: d.since.toISOString(), error: d.error })),
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.HEARTH_HTTP_PORT;
  log.info('host started', {
    platform: config.HEARTH_PLATFORM,
    port,
    ...(devUi ? { devUi: `http://${config.HEARTH_HTTP_HOST ?? 'localhost'}:${port}/_hearth/` } : {}),
    functions: functions.map((f) => `${f.name}:${f.trigger.kind}`),
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      accepting = false;
      const deadline = config.HEARTH_DRAIN_TIMEOUT_MS;
      log.info('draining', { timeoutMs: deadline });
      const started = Date.now();
      await Promise.all([
        ...consumers.map((c) => c.stop(deadline)),
        cron?.stop(),
        resumer.stop(deadline),
        ...waitConsumers.map((w) => w.stop()),
      ]);
      shutdown.abort(new Error('host stopping'));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      metrics.functionUp.reset();
      await rt.close();
      log.info('stopped', { drainMs: Date.now() - started });
    })());
  return { server, port, stop };
}

/** Whether and how the dev UI is served: dev mode hands the page a token; HEARTH_DEV_UI needs its own. */
function devUiSetting(
  config: Runtime['config'],
  dev: { devToken?: string } | undefined,
): { devToken?: string; accessToken?: string } | undefined {
  if (dev) return dev.devToken ? { devToken: dev.devToken } : {};
  if (!config.HEARTH_DEV_UI) return undefined;
  if (!config.HEARTH_DEV_UI_TOKEN)
    throw new ConfigError('HEARTH_DEV_UI_TOKEN', 'is required when HEARTH_DEV_UI=true outside dev mode');
  return { accessToken: config.HEARTH_DEV_UI_TOKEN };
}

async function ensureTopics(functions: readonly AnyFunction[], rt: Runtime): Promise<void> {
  const topics = new Set<string>();
  for (const fn of functions) {
    if (fn.trigger.kind === 'kafka') for (const topic of fn.trigger.topics) topics.add(topic);
    for (const topic of [...fn.emits, ...(fn.durable?.waitsFor ?? [])]) topics.add(topic);
    topics.add(fn.deadLetterTopic);
  }
  const admin = await rt.transport.admin();
  try {
    await admin.ensureTopics([...topics], rt.config.HEARTH_TOPIC_PARTITIONS);
  } finally {
    await admin.disconnect();
  }
}
