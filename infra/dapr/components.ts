/** Dapr Component resources (dapr.io/v1alpha1): pub/sub on Kafka, a state store, cron bindings, secrets. */
import { cronBindingName, cronRoute, daprCronSchedule } from '../../shared/adapters/dapr/index.ts';
import type { AnyFunction, CronTrigger } from '../../shared/core/index.ts';
import { SECRET_KEYS, type DaprSettings } from './settings.ts';
import type { DaprResource, MetadataItem } from './types.ts';

/**
 * The `pubsub.kafka` component: one consumer group per app (`{appID}` is expanded by daprd), new groups
 * start at the oldest offset (no record published before the first deploy is skipped), no auth.
 * @example pubsubComponent(settings, ['order-ledger'])
 */
export function pubsubComponent(settings: DaprSettings, scopes: readonly string[]): DaprResource {
  return component(settings, settings.pubsubName, 'pubsub.kafka', scopes, [
    { name: 'brokers', value: settings.kafkaBrokers.join(',') },
    { name: 'consumerGroup', value: '{appID}' },
    { name: 'clientID', value: '{appID}' },
    { name: 'authType', value: 'none' },
    { name: 'initialOffset', value: 'oldest' },
    { name: 'version', value: settings.kafkaVersion },
    // Dapr owns retries (resiliency policy) and dead-letters afterwards; the component must not loop on its own.
    { name: 'consumeRetryEnabled', value: 'false' },
  ]);
}

/**
 * The state store: `state.postgresql` (v1, connection string from the secret) or `state.redis`.
 * @example stateComponent(settings, ['order-ledger'])
 */
export function stateComponent(settings: DaprSettings, scopes: readonly string[]): DaprResource {
  if (settings.state === 'postgresql') {
    return component(settings, settings.stateStoreName, 'state.postgresql', scopes, [
      { name: 'connectionString', secretKeyRef: secretRef(settings, SECRET_KEYS.databaseUrl) },
      // Own tables, apart from Hearth's: Dapr creates and migrates them at start-up.
      { name: 'tableName', value: 'dapr_state' },
      { name: 'metadataTableName', value: 'dapr_metadata' },
    ]);
  }
  return component(settings, settings.stateStoreName, 'state.redis', scopes, [
    { name: 'redisHost', value: settings.redisHost },
    { name: 'redisPassword', secretKeyRef: secretRef(settings, SECRET_KEYS.redisPassword) },
  ]);
}

/**
 * The `bindings.cron` input binding of a cron function, POSTing to the adapter's cron route.
 * @example cronComponent(settings, usageDigest) // name "cron-usage-digest", schedule "CRON_TZ=UTC 0 0 * * * *"
 */
export function cronComponent(settings: DaprSettings, fn: AnyFunction): DaprResource {
  if (fn.trigger.kind !== 'cron') throw new TypeError(`cronComponent(): function "${fn.name}" is not cron-triggered`);
  return component(
    settings,
    cronBindingName(fn.name),
    'bindings.cron',
    [fn.name],
    [
      { name: 'schedule', value: daprCronSchedule(fn.trigger as CronTrigger<unknown>) },
      { name: 'route', value: cronRoute(fn.name) },
      { name: 'direction', value: 'input' },
    ],
  );
}

/**
 * The `secretstores.local.env` component self-hosted daprd resolves secretKeyRefs with; Kubernetes uses
 * its built-in store and needs none.
 * @example secretStoreComponent(settings) // undefined on Kubernetes
 */
export function secretStoreComponent(settings: DaprSettings): DaprResource | undefined {
  if (settings.secrets.kind !== 'local.env') return undefined;
  return component(settings, settings.secrets.componentName, 'secretstores.local.env', [], []);
}

function secretRef(settings: DaprSettings, key: string): { name: string; key: string } {
  return settings.secrets.kind === 'kubernetes' ? { name: settings.secrets.secretName, key } : { name: key, key };
}

function component(
  settings: DaprSettings,
  name: string,
  type: string,
  scopes: readonly string[],
  metadata: MetadataItem[],
): DaprResource {
  const usesSecrets = metadata.some((item) => 'secretKeyRef' in item);
  return {
    apiVersion: 'dapr.io/v1alpha1',
    kind: 'Component',
    metadata: { name, ...(settings.namespace ? { namespace: settings.namespace } : {}) },
    spec: { type, version: 'v1', metadata },
    ...(usesSecrets && settings.secrets.kind === 'local.env'
      ? { auth: { secretStore: settings.secrets.componentName } }
      : {}),
    ...(scopes.length > 0 ? { scopes: [...scopes] } : {}),
  };
}
