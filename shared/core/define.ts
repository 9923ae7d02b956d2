import type { z } from 'zod';
import { defaultRetryPolicy, type RetryPolicy } from './backoff.ts';
import { durableSettings } from './durable/settings.ts';
import type { DurableContext, DurableOptions, DurableSettings } from './durable/types.ts';
import type { EmitOptions } from './emit.ts';
import type { EventMeta } from './envelope.ts';
import type { KvStore, Logger, SqlStore, SqlTx } from './ports.ts';
import { isTopicName, TOPIC_PATTERN } from './topic.ts';
import type { CronEvent, Trigger } from './triggers.ts';

export type { EmitOptions };

/**
 * Everything a handler may touch. In a short function its SQL writes and emits commit atomically with
 * the ledger row; in a durable function (`durable: true`) steps, transactions and waits are journaled.
 */
export interface HandlerContext extends DurableContext {
  meta: EventMeta;
  /**
   * Short functions: the transaction that also holds the idempotency ledger row, so writes here are
   * exactly-once. GET routes: the database itself (they write no ledger row). Durable functions have
   * none (a call throws): use `ctx.transaction(id, ({ sql }) => ...)`.
   */
  sql: SqlTx;
  /**
   * The database outside the event's transaction, for writes that must survive a retry or a crash
   * mid-handler (agent checkpoints, audit rows). Not exactly-once: make such writes idempotent.
   */
  database: SqlStore;
  kv: KvStore;
  /**
   * Queues a JSON event, published through the outbox only if the event's work commits (durable
   * functions: with the final commit when the handler returns).
   */
  emit: (topic: string, payload: unknown, options?: EmitOptions) => void;
  /**
   * Asks every unfinished durable execution with this cancel key to stop at its next step boundary
   * (parked ones stop now); resolves with how many were asked. In a short function it commits with the
   * event's transaction.
   */
  cancel: (cancelKey: string) => Promise<number>;
  log: Logger;
  /** Aborted when the handler times out or the host shuts down. */
  signal: AbortSignal;
}

/** Deployment hints shared by every platform (Knative, Container Apps, KEDA). */
export interface DeployHints {
  minScale?: number;
  maxScale?: number;
  /** In-flight requests per replica that autoscaling aims for. */
  target?: number;
  containerConcurrency?: number;
  cpu?: string;
  memory?: string;
}

export interface FunctionConfig<T, R> {
  /** Lowercase DNS label: also the consumer group, service and app id. */
  name: string;
  trigger: Trigger<T>;
  /** Attempts in total, or a full policy. Default 5 attempts, 200 ms doubling to 30 s. */
  retries?: number | Partial<RetryPolicy>;
  /** Default `<name>.dlq`. */
  deadLetterTopic?: string;
  /** Per-attempt time limit. Default 60 s. */
  timeoutMs?: number;
  /** Keys processed in parallel within one partition batch (order per key is kept). Default 16. */
  keyConcurrency?: number;
  /**
   * Events committed together in one transaction (group commit; each event still isolated). Higher
   * raises throughput, and the work redone when a transaction must be re-run. 1 disables it. Default 32.
   */
  batchSize?: number;
  deploy?: DeployHints;
  /** Topics the handler emits to; created at start with the consumed ones (HEARTH_CREATE_TOPICS). */
  emits?: readonly string[];
  /**
   * Makes the function durable: the handler runs outside any transaction, `ctx.step`, `ctx.transaction`,
   * `ctx.sleep` and `ctx.waitForEvent` are journaled, and a re-execution resumes after the last
   * journaled step. `true` for the defaults. Without it the whole handler runs in the event's
   * transaction (fast, for short SQL + emit work).
   */
  durable?: boolean | DurableOptions<T>;
  handler: (event: T, ctx: HandlerContext) => Promise<R> | R;
}

/** A defined function: its config with defaults applied. */
export interface HearthFunction<T = unknown, R = unknown> {
  readonly name: string;
  readonly trigger: Trigger<T>;
  readonly retry: RetryPolicy;
  readonly deadLetterTopic: string;
  readonly timeoutMs: number;
  readonly keyConcurrency: number;
  readonly batchSize: number;
  readonly deploy: DeployHints;
  /** Topics the function declares it emits to. */
  readonly emits: readonly string[];
  /** Set for durable functions. */
  readonly durable: DurableSettings | undefined;
  readonly handler: (event: T, ctx: HandlerContext) => Promise<R> | R;
}

/** Any defined function, whatever its event type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers are contravariant in T
export type AnyFunction = HearthFunction<any, unknown>;

const NAME = /^[a-z]([a-z0-9-]{0,46}[a-z0-9])?$/;

/**
 * Defines a function: a config object plus a handler. The event type is inferred from the trigger.
 * @example
 * export default defineFunction({
 *   name: 'order-ledger',
 *   trigger: kafka({ topic: 'orders', schema: Order }),
 *   handler: async (order, { sql, emit }) => { ... },
 * })
 */
export function defineFunction<T, R>(config: FunctionConfig<T, R>): HearthFunction<T, R> {
  if (!NAME.test(config.name)) {
    throw new TypeError(
      `defineFunction(): name "${config.name}" must be a lowercase DNS label (a-z, 0-9, "-", at most 48 chars), e.g. "order-ledger"`,
    );
  }
  if (typeof config.handler !== 'function') {
    throw new TypeError(
      `defineFunction("${config.name}"): handler must be a function, e.g. handler: async (event, ctx) => {}`,
    );
  }
  const retries = typeof config.retries === 'number' ? { attempts: config.retries } : (config.retries ?? {});
  const retry: RetryPolicy = { ...defaultRetryPolicy, ...retries };
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1) {
    throw new TypeError(
      `defineFunction("${config.name}"): retries must be an integer >= 1 (total attempts), got ${retry.attempts}`,
    );
  }
  const timeoutMs = config.timeoutMs ?? 60_000;
  // setTimeout fires at once for delays of 2^31 ms or more: every attempt would time out.
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 2_147_483_647) {
    throw new TypeError(
      `defineFunction("${config.name}"): timeoutMs must be an integer from 1 to 2147483647, got ${timeoutMs}`,
    );
  }
  const keyConcurrency = config.keyConcurrency ?? 16;
  if (!Number.isInteger(keyConcurrency) || keyConcurrency < 1) {
    throw new TypeError(
      `defineFunction("${config.name}"): keyConcurrency must be an integer >= 1, got ${keyConcurrency}`,
    );
  }
  const batchSize = config.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new TypeError(`defineFunction("${config.name}"): batchSize must be an integer >= 1, got ${batchSize}`);
  }
  return Object.freeze({
    name: config.name,
    trigger: config.trigger,
    retry,
    deadLetterTopic: config.deadLetterTopic ?? `${config.name}.dlq`,
    timeoutMs,
    keyConcurrency,
    batchSize,
    deploy: config.deploy ?? {},
    emits: Object.freeze(checkTopics(config.name, 'emits', config.emits ?? [])),
    durable: durableSettings(config.name, config.durable as boolean | DurableOptions<unknown> | undefined),
    handler: config.handler,
  });
}

function checkTopics(fnName: string, what: string, topics: readonly string[]): string[] {
  for (const topic of topics) {
    if (!isTopicName(topic))
      throw new TypeError(`defineFunction("${fnName}"): ${what} topic "${topic}" must match ${TOPIC_PATTERN.source}`);
  }
  return [...topics];
}

/**
 * The replicas a platform keeps running when idle: the function's `deploy.minScale`, else 1 for a
 * durable function (a parked execution resumes only where a host runs) and 0 for the others.
 * @example minScaleOf(researchAgent) // 1
 */
export function minScaleOf(fn: AnyFunction): number {
  return fn.deploy.minScale ?? (fn.durable ? 1 : 0);
}

/** The event type a function's handler receives. */
export type EventOf<F> = F extends HearthFunction<infer T, unknown> ? T : never;

export type { CronEvent };
/** Re-exported so function modules need one import for schema inference helpers. */
export type Infer<S extends z.ZodType> = z.output<S>;
