/** Every Dapr resource of a set of functions, grouped the way they are written to dapr/. */
import type { AnyFunction } from '../../shared/core/index.ts';
import { cronComponent, pubsubComponent, secretStoreComponent, stateComponent } from './components.ts';
import { resiliencyResources } from './resiliency.ts';
import type { DaprSettings } from './settings.ts';
import { subscriptionResources } from './subscriptions.ts';
import type { DaprResource } from './types.ts';

export interface DaprResources {
  /** Components daprd loads: pub/sub, state, cron bindings, secret store (self-hosted). */
  components: DaprResource[];
  resiliency: DaprResource[];
  /** Declarative alternative to the app's `GET /dapr/subscribe`; kept apart so it is opt-in. */
  subscriptions: DaprResource[];
}

/**
 * Builds the resources; pure (no I/O), deterministic order (functions sorted by name).
 * @example const { components } = buildDaprResources(functions, SELF_HOSTED_DAPR_SETTINGS)
 */
export function buildDaprResources(functions: readonly AnyFunction[], settings: DaprSettings): DaprResources {
  const sorted = [...functions].sort((a, b) => a.name.localeCompare(b.name));
  const pushed = sorted.filter((fn) => fn.trigger.kind !== 'http').map((fn) => fn.name);
  const kafka = sorted.filter((fn) => fn.trigger.kind === 'kafka').map((fn) => fn.name);
  const components: DaprResource[] = [];
  const secrets = secretStoreComponent(settings);
  if (secrets) components.push(secrets);
  if (kafka.length > 0) components.push(pubsubComponent(settings, kafka));
  if (pushed.length > 0) components.push(stateComponent(settings, pushed));
  for (const fn of sorted) if (fn.trigger.kind === 'cron') components.push(cronComponent(settings, fn));
  return {
    components,
    resiliency: resiliencyResources(sorted, settings),
    subscriptions: subscriptionResources(sorted, settings),
  };
}
