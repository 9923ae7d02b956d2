/** Resiliency policies (dapr.io/v1alpha1): each function's retry budget applied to what delivers to it. */
import { cronBindingName } from '../../shared/adapters/dapr/index.ts';
import type { AnyFunction } from '../../shared/core/index.ts';
import type { DaprSettings } from './settings.ts';
import type { DaprResource } from './types.ts';

/**
 * One Resiliency per Kafka or cron function, scoped to its app: exponential retries, maxRetries =
 * attempts - 1 (Dapr counts retries after the first delivery), capped at the function's max delay,
 * targeting the pub/sub component's inbound side (Kafka functions) or the cron binding's (cron ones).
 * When the retries run out Dapr publishes the event to the subscription's dead-letter topic.
 * @example resiliencyResources(functions, settings)[0].spec.policies.retries // { 'retry-order-ledger': { ... } }
 */
export function resiliencyResources(functions: readonly AnyFunction[], settings: DaprSettings): DaprResource[] {
  const resources: DaprResource[] = [];
  for (const fn of functions) {
    if (fn.trigger.kind === 'http') continue;
    const policy = `retry-${fn.name}`;
    const target = fn.trigger.kind === 'kafka' ? settings.pubsubName : cronBindingName(fn.name);
    resources.push({
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Resiliency',
      metadata: { name: fn.name, ...(settings.namespace ? { namespace: settings.namespace } : {}) },
      spec: {
        policies: {
          retries: {
            [policy]: {
              policy: 'exponential',
              maxInterval: duration(fn.retry.maxDelayMs),
              maxRetries: fn.retry.attempts - 1,
            },
          },
        },
        targets: { components: { [target]: { inbound: { retry: policy } } } },
      },
      scopes: [fn.name],
    });
  }
  return resources;
}

/** Go duration text; whole seconds when exact. */
function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
