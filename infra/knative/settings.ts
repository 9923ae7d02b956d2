/** What a deployment of Hearth to Knative needs beyond the function registry. */
export interface KnativeSettings {
  namespace: string;
  /** Container image of the Hearth host (the repo's Dockerfile). */
  image: string;
  /** `sha256:...`: when set, pods reference the image by this digest (immutable), not by its tag. */
  imageDigest?: string;
  /** Namespaces allowed to reach the functions' pods (NetworkPolicy ingress). */
  ingressNamespaces?: readonly string[];
  /** TCP ports the pods may reach besides DNS: Kafka (from the bootstrap servers), SQL, HTTPS. */
  egressPorts?: readonly number[];
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
  image: 'registry.example.com/hearth:0.1.0',
  kafkaBootstrapServers: ['my-cluster-kafka-bootstrap.kafka:9092'],
  secretName: 'hearth-secrets',
  configMapName: 'hearth-config',
};

/** Who calls a function's pod: Knative's activator and gateway, the Kafka dispatchers, Prometheus. */
export const DEFAULT_INGRESS_NAMESPACES = ['knative-serving', 'knative-eventing', 'kourier-system', 'monitoring'];
/** CockroachDB, PostgreSQL, and HTTPS (Upstash REST, the LLM endpoint). */
export const DEFAULT_EGRESS_PORTS = [26257, 5432, 443];

/**
 * The image pods run: by digest when one is configured, else by its tag.
 * @example imageOf({ ...settings, image: 'ghcr.io/a/hearth:1.2', imageDigest: 'sha256:ab..' }) // "ghcr.io/a/hearth@sha256:ab.."
 */
export function imageOf(settings: Pick<KnativeSettings, 'image' | 'imageDigest'>): string {
  if (!settings.imageDigest) return settings.image;
  const repo = settings.image.replace(/@sha256:[0-9a-f]+$/, '').replace(/:[^:/]+$/, '');
  return `${repo}@${settings.imageDigest}`;
}

/**
 * Refuses an image a production stack must not run: `:latest` or no tag, without a digest.
 * @example assertPinnedImage({ image: 'ghcr.io/a/hearth:latest' }) // throws
 */
export function assertPinnedImage(settings: Pick<KnativeSettings, 'image' | 'imageDigest'>): void {
  if (settings.imageDigest || settings.image.includes('@sha256:')) return;
  const tag = /:([^:/]+)$/.exec(settings.image)?.[1];
  if (tag === undefined || tag === 'latest') {
    throw new TypeError(
      `image "${settings.image}" is not pinned: a production stack needs a version tag (ghcr.io/acme/hearth:1.2.3) or hearth:imageDigest`,
    );
  }
}

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
  if (settings.imageDigest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(settings.imageDigest)) {
    throw new TypeError(`knative settings: imageDigest "${settings.imageDigest}" must read sha256:<64 hex digits>`);
  }
  const lag = settings.kedaLagThreshold;
  if (lag !== undefined && (!Number.isInteger(lag) || lag < 1)) {
    throw new TypeError(`knative settings: kedaLagThreshold must be a positive integer, got ${lag}`);
  }
  return settings;
}
