/**
 * Names and shapes of Dapr's app-callback protocol (docs.dapr.io "Pub/sub API", "Bindings API"), shared
 * by the adapter's routes and the resource generator in infra/dapr so both always agree.
 */
import type { AnyFunction } from '../../core/index.ts';

/** The pub/sub component name every generated subscription and component uses. */
export const DEFAULT_PUBSUB_NAME = 'hearth-pubsub';

/** A Dapr pub/sub answer: SUCCESS acks, RETRY redelivers (resiliency policy), DROP dead-letters. */
export type DaprStatus = 'SUCCESS' | 'RETRY' | 'DROP';

/** Bulk subscribe options of one subscription (Dapr's `bulkSubscribe`). */
export interface DaprBulkSubscribe {
  enabled: boolean;
  maxMessagesCount?: number;
  maxAwaitDurationMs?: number;
}

/** One entry of the `GET /dapr/subscribe` answer (programmatic subscription, v2 routes form). */
export interface DaprSubscription {
  pubsubname: string;
  topic: string;
  routes: { default: string };
  deadLetterTopic: string;
  /** `rawPayload: "true"`: Hearth's Kafka records are plain JSON bodies with `ce_*` headers, not structured CloudEvents. */
  metadata: Record<string, string>;
  bulkSubscribe?: DaprBulkSubscribe;
}

/**
 * The route Dapr POSTs a Kafka function's events to.
 * @example eventRoute('order-ledger') // "/dapr/events/order-ledger"
 */
export function eventRoute(name: string): string {
  return `/dapr/events/${name}`;
}

/**
 * The name of a cron function's `bindings.cron` component.
 * @example cronBindingName('usage-digest') // "cron-usage-digest"
 */
export function cronBindingName(name: string): string {
  return `cron-${name}`;
}

/**
 * The route a cron binding POSTs its ticks to (set as the binding's `route` metadata).
 * @example cronRoute('usage-digest') // "/dapr/cron/usage-digest"
 */
export function cronRoute(name: string): string {
  return `/dapr/cron/${name}`;
}

/**
 * The subscriptions of the Kafka-triggered functions, as `GET /dapr/subscribe` lists them and as the
 * declarative Subscription resources spell them.
 * @example daprSubscriptions(functions) // [{ pubsubname: 'hearth-pubsub', topic: 'orders', ... }]
 */
export function daprSubscriptions(
  functions: readonly AnyFunction[],
  options: { pubsubName?: string; bulkSubscribe?: DaprBulkSubscribe } = {},
): DaprSubscription[] {
  const subscriptions: DaprSubscription[] = [];
  for (const fn of functions) {
    if (fn.trigger.kind !== 'kafka') continue;
    subscriptions.push({
      pubsubname: options.pubsubName ?? DEFAULT_PUBSUB_NAME,
      topic: fn.trigger.topic,
      routes: { default: eventRoute(fn.name) },
      deadLetterTopic: fn.deadLetterTopic,
      metadata: { rawPayload: 'true' },
      ...(options.bulkSubscribe ? { bulkSubscribe: options.bulkSubscribe } : {}),
    });
  }
  return subscriptions;
}
