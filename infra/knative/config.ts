import { CONFIG_KEYS, SECRET_KEYS } from './env.ts';
import { labelsFor } from './labels.ts';
import type { KnativeSettings } from './settings.ts';
import type { K8sObject } from './types.ts';

/**
 * The namespace every object lives in.
 * @example buildNamespace(settings).metadata.name // "hearth"
 */
export function buildNamespace(settings: KnativeSettings): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: settings.namespace, labels: labelsFor() } };
}

/**
 * The non-secret settings every pod reads by reference.
 * @example buildConfigMap(settings).data.KAFKA_BROKERS // "kafka:9092"
 */
export function buildConfigMap(settings: KnativeSettings): K8sObject {
  const values: Record<(typeof CONFIG_KEYS)[number], string> = {
    KAFKA_BROKERS: settings.kafkaBootstrapServers.join(','),
    KAFKA_CLIENT_ID: 'hearth',
    KAFKA_SSL: 'false',
    HEARTH_LOG_LEVEL: 'info',
  };
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: settings.configMapName, namespace: settings.namespace, labels: labelsFor() },
    data: Object.fromEntries(CONFIG_KEYS.map((key) => [key, values[key]])),
  };
}

/** The placeholder every template value carries; a pod refusing to start with it is the point. */
export const SECRET_PLACEHOLDER = 'REPLACE_ME';

/**
 * The Secret with its keys and placeholder values only: a template for operators (Pulumi creates the
 * real one from stack secrets). Never carries a real value.
 * @example buildSecret(settings, { DATABASE_URL: pulumiSecret }) // real; buildSecret(settings) // template
 */
export function buildSecret(settings: KnativeSettings, values?: Partial<Record<(typeof SECRET_KEYS)[number], unknown>>): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: settings.secretName, namespace: settings.namespace, labels: labelsFor() },
    type: 'Opaque',
    stringData: Object.fromEntries(SECRET_KEYS.map((key) => [key, values?.[key] ?? SECRET_PLACEHOLDER])),
  };
}
