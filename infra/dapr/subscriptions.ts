/** Declarative Subscription resources (dapr.io/v2alpha1), the same subscriptions `GET /dapr/subscribe` lists. */
import { daprSubscriptions } from '../../shared/adapters/dapr/index.ts';
import type { AnyFunction } from '../../shared/core/index.ts';
import type { DaprSettings } from './settings.ts';
import type { DaprResource } from './types.ts';

/**
 * One Subscription per Kafka function, scoped to its app: topic, route, dead-letter topic, rawPayload.
 * Apply these only where the app runs with programmatic subscriptions off (see daprRoutes), or the topic
 * is subscribed twice.
 * @example subscriptionResources(functions, settings)[0].spec.topic // "usage-events"
 */
export function subscriptionResources(functions: readonly AnyFunction[], settings: DaprSettings): DaprResource[] {
  const kafka = functions.filter((fn) => fn.trigger.kind === 'kafka');
  return daprSubscriptions(kafka, { pubsubName: settings.pubsubName }).map((sub, i) => ({
    apiVersion: 'dapr.io/v2alpha1',
    kind: 'Subscription',
    metadata: {
      name: (kafka[i] as AnyFunction).name,
      ...(settings.namespace ? { namespace: settings.namespace } : {}),
    },
    spec: {
      pubsubname: sub.pubsubname,
      topic: sub.topic,
      routes: sub.routes,
      deadLetterTopic: sub.deadLetterTopic,
      metadata: sub.metadata,
    },
    scopes: [(kafka[i] as AnyFunction).name],
  }));
}
