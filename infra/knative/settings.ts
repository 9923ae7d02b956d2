/** What a deployment of Hearth to Knative needs beyond the function registry. */
export interface KnativeSettings {
  namespace: string;
  /** Container image of the Hearth host (the repo's Dockerfile). */
  image: string;
  /** Kafka bootstrap servers as host:port, used by KafkaSource, KafkaSink and the outbox relay. */
  kafkaBootstrapServers: readonly string[];
  /** Secret holding DATABASE_URL, UPSTASH_REDIS_REST_URL/TOKEN and the LLM key. */
  secretName: string;
  /** ConfigMap holding the non-secret settings (KAFKA_BROKERS, ...). */
  configMapName: string;
  /** Build the plain-Deployment alternative (Deployment + KEDA ScaledObject) instead of Knative objects. */
  keda?: boolean;
  /** Consumer lag per replica KEDA aims for (KEDA alternative only). Default 50. */
  kedaLagThreshold?: number;
}

/** Defaults of the committed manifests; override when generating or through Pulumi stack config. */
export const DEFAULT_KNATIVE_SETTINGS: KnativeSettings = {
  namespace: 'hearth',
  image: 'registry.example.com/hearth:latest',
  kafkaBootstrapServers: ['my-cluster-kafka-bootstrap.kafka:9092'],
  secretName: 'hearth-secrets',
  configMapName: 'hearth-config',
};

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const HOST_PORT = /^[^\s:/]+:\d{1,5}$/;

/**
 * Checks settings up front so a bad value fails generation with the setting named.
 * @example validateSettings({ ...DEFAULT_KNATIVE_SETTINGS, namespace: 'prod' })
 */
export function validateSettings(settings: KnativeSettings): KnativeSettings {
  for (const field of ['namespace', 'secretName', 'configMapName'] as const) {
    if (!DNS_LABEL.test(settings[field])) {
      throw new TypeError(`knative settings: ${field} "${settings[field]}" must be a lowercase DNS label, e.g. "hearth"`);
    }
  }
  if (!settings.image || /\s/.test(settings.image)) {
    throw new TypeError(`knative settings: image "${settings.image}" must be an image reference such as ghcr.io/acme/hearth:1.2.3`);
  }
  if (settings.kafkaBootstrapServers.length === 0 || !settings.kafkaBootstrapServers.every((s) => HOST_PORT.test(s))) {
    throw new TypeError(
      `knative settings: kafkaBootstrapServers must list host:port pairs, e.g. ["kafka-bootstrap.kafka:9092"], got ${JSON.stringify(settings.kafkaBootstrapServers)}`,
    );
  }
  const lag = settings.kedaLagThreshold;
  if (lag !== undefined && (!Number.isInteger(lag) || lag < 1)) {
    throw new TypeError(`knative settings: kedaLagThreshold must be a positive integer, got ${lag}`);
  }
  return settings;
}
