import { DEFAULT_PUBSUB_NAME } from '../../shared/adapters/dapr/protocol.ts';
import type { AnyFunction } from '../../shared/core/index.ts';
import { ACA_SECRET_NAMES } from './env.ts';
import type { AcaSettings } from './settings.ts';

/** The state store component name. */
export const STATE_STORE_NAME = 'hearth-statestore';

/** One metadata entry of a Dapr component: a literal or a reference to one of the component's secrets. */
export type DaprMetadata = { name: string; value: string } | { name: string; secretRef: string };

/** The body of one environment-level Dapr component (without the resource group and environment). */
export interface AcaDaprComponentSpec<V> {
  componentName: string;
  componentType: string;
  version: 'v1';
  ignoreErrors: false;
  initTimeout: string;
  metadata: DaprMetadata[];
  secrets: { name: string; value: V }[];
  scopes: string[];
}

/**
 * The Dapr components of the environment: `pubsub.kafka` (brokers; consumer group `{appID}`, which
 * Dapr replaces by each app's id = function name, the group KEDA scales on) scoped to the kafka
 * functions, and `state.postgresql` whose connection string is a component secret referenced by
 * `secretRef`, never a literal. Subscriptions are not resources on Container Apps: each app answers
 * Dapr's `GET /dapr/subscribe` (programmatic subscriptions, shared/adapters/dapr).
 * @example buildDaprComponents(functions, settings, { databaseUrl })[0].componentType // "pubsub.kafka"
 */
export function buildDaprComponents<V>(
  functions: readonly AnyFunction[],
  settings: AcaSettings,
  secrets: { databaseUrl: V },
): AcaDaprComponentSpec<V>[] {
  const kafkaApps = functions.filter((f) => f.trigger.kind === 'kafka').map((f) => f.name);
  const apps = functions.filter((f) => f.trigger.kind !== 'cron').map((f) => f.name);
  const components: AcaDaprComponentSpec<V>[] = [];
  if (kafkaApps.length > 0) {
    components.push({
      componentName: DEFAULT_PUBSUB_NAME,
      componentType: 'pubsub.kafka',
      version: 'v1',
      ignoreErrors: false,
      initTimeout: '30s',
      metadata: [
        { name: 'brokers', value: settings.kafkaBootstrapServers.join(',') },
        { name: 'consumerGroup', value: '{appID}' },
        { name: 'clientID', value: '{appID}' },
        { name: 'authType', value: 'none' },
        { name: 'initialOffset', value: 'oldest' },
        // As in infra/dapr: Dapr owns retries (resiliency policy) and dead-letters afterwards.
        { name: 'consumeRetryEnabled', value: 'false' },
      ],
      secrets: [],
      scopes: kafkaApps,
    });
  }
  if (apps.length > 0) {
    components.push({
      componentName: STATE_STORE_NAME,
      componentType: 'state.postgresql',
      version: 'v1',
      ignoreErrors: false,
      initTimeout: '30s',
      metadata: [
        { name: 'connectionString', secretRef: ACA_SECRET_NAMES.DATABASE_URL },
        { name: 'tableName', value: 'dapr_state' },
      ],
      secrets: [{ name: ACA_SECRET_NAMES.DATABASE_URL, value: secrets.databaseUrl }],
      scopes: apps,
    });
  }
  return components;
}
