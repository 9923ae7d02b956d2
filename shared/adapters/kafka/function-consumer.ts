import type { AnyFunction } from '../../core/define.ts';
import type { InvokeDeps } from '../../core/invoke.ts';
import { batchProcessor, type OutcomeListener } from './batch-processor.ts';
import type { KafkaTransport, TransportProducer } from './transport.ts';

/** Options of {@link startFunctionConsumer}. */
export interface FunctionConsumerOptions {
  transport: KafkaTransport;
  /** Effect store, KV, logger and hooks; the consumer supplies the shutdown signal itself. */
  deps: Omit<InvokeDeps, 'signal'>;
  /** Producer for dead letters; by default the consumer connects (and later disconnects) its own. */
  producer?: TransportProducer;
  /** Called after each event's outcome is durable (metrics). */
  onOutcome?: OutcomeListener;
  /** Where a new group starts. Default true: events published before the first start are not missed. */
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  /** Called when the consumer stopped for good; the host then stops so its supervisor restarts it. */
  onCrash?: (error: Error) => void;
  /** Partitions handled concurrently by this member. Default 1. */
  partitionsConcurrently?: number;
  /** Heartbeat period during long handlers and retry waits. Default 1 s. */
  heartbeatSliceMs?: number;
}

/** A running function consumer. */
export interface FunctionConsumer {
  readonly groupId: string;
  /** Stops fetching new batches (a dependency is down); batches in flight go on. */
  pause(): void;
  resume(): void;
  /**
   * Drains: stops fetching, ends retry waits (those events stay uncommitted), lets running handlers
   * finish, commits, disconnects. After `timeoutMs` running handlers are aborted and it gives up waiting.
   */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * The consumer group of a function: `hearth.<function name>`.
 * @example functionGroupId(orderLedger) // "hearth.order-ledger"
 */
export function functionGroupId(fn: AnyFunction): string {
  return `hearth.${fn.name}`;
}

/**
 * Runs one Kafka-triggered function as its own consumer group until `stop()`.
 * @example const running = await startFunctionConsumer(fn, { transport, deps: { effects, kv, log } })
 */
export async function startFunctionConsumer(
  fn: AnyFunction,
  options: FunctionConsumerOptions,
): Promise<FunctionConsumer> {
  if (fn.trigger.kind !== 'kafka') {
    throw new TypeError(
      `startFunctionConsumer(): function "${fn.name}" has a ${fn.trigger.kind} trigger, not a kafka one`,
    );
  }
  const topics = fn.trigger.topics;
  const groupId = functionGroupId(fn);
  const log = options.deps.log.child({ function: fn.name, topics, groupId });
  const producer = options.producer ?? (await options.transport.producer());
  const consumer = await options.transport
    .consumer({
      groupId,
      topics,
      fromBeginning: options.fromBeginning ?? true,
      sessionTimeoutMs: options.sessionTimeoutMs,
      rebalanceTimeoutMs: rebalanceTimeoutOf(fn),
      onCrash: options.onCrash,
      partitionsConcurrently: options.partitionsConcurrently,
    })
    .catch(async (error: unknown) => {
      // Do not leak the producer we connected when the consumer cannot start.
      if (!options.producer) await producer.disconnect().catch(() => undefined);
      throw error;
    });
  const drain = new AbortController();
  const halt = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const handleBatch = batchProcessor({
    fn,
    deps: options.deps,
    consumer,
    producer,
    log,
    drain: drain.signal,
    halt: halt.signal,
    heartbeatSliceMs: options.heartbeatSliceMs ?? 1_000,
    onOutcome: options.onOutcome,
  });
  await consumer.run(async (batch) => {
    const running = handleBatch(batch);
    inFlight.add(running);
    try {
      await running;
    } finally {
      inFlight.delete(running);
    }
  });
  log.info('function consumer started');

  let stopping: Promise<void> | undefined;
  const stop = async (timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    drain.abort(new Error('consumer is draining'));
    try {
      for (const topic of topics) consumer.pause(topic);
    } catch (error) {
      log.debug('pause before stop failed', { error });
    }
    if (!(await within(Promise.allSettled([...inFlight]), timeoutMs))) {
      log.warn('drain timed out; aborting running handlers', { timeoutMs });
      halt.abort(new Error('drain timed out'));
    }
    // The in-flight batches committed their completed prefix before settling; now leave the group.
    const left = (): number => Math.max(1_000, deadline - Date.now());
    const stopped = consumer.stop().catch((error: unknown) => log.warn('consumer stop failed', { error }));
    if (!(await within(stopped, left()))) log.warn('consumer did not stop in time');
    if (!options.producer) {
      const closed = producer.disconnect().catch((error: unknown) => log.warn('producer disconnect failed', { error }));
      await within(closed, left());
    }
    log.info('function consumer stopped');
  };
  const each = (action: 'pause' | 'resume'): void => {
    for (const topic of topics) {
      try {
        consumer[action](topic);
      } catch (error) {
        log.debug(`${action} failed`, { error });
      }
    }
  };
  return {
    groupId,
    pause: () => each('pause'),
    resume: () => {
      if (!drain.signal.aborted) each('resume');
    },
    stop: (timeoutMs = 30_000) => (stopping ??= stop(timeoutMs)),
  };
}

/**
 * How long the group waits for this member to rejoin in a rebalance: a durable function finishes the
 * step it is in before it lets go of a partition, so the wait covers its longest step (the function's
 * timeoutMs), within Kafka's usual bounds.
 */
function rebalanceTimeoutOf(fn: AnyFunction): number {
  return fn.durable ? Math.min(1_800_000, Math.max(60_000, fn.timeoutMs + 30_000)) : 60_000;
}

/** Waits for `work` at most `ms`; true when it settled in time. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
