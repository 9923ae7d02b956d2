/** How the Dapr resources are generated: where Kafka and the state store are, and where secrets live. */

/**
 * Where secretKeyRefs resolve. `kubernetes`: Dapr's built-in Kubernetes secret store, refs name one
 * Secret (`secretName`) and its keys. `local.env`: a generated `secretstores.local.env` component for
 * self-hosted daprd, refs name environment variables of the daprd process.
 */
export type DaprSecretSource =
  { kind: 'kubernetes'; secretName: string } | { kind: 'local.env'; componentName: string };

export interface DaprSettings {
  /** Kubernetes namespace of every resource; omitted for self-hosted. */
  namespace?: string;
  pubsubName: string;
  stateStoreName: string;
  kafkaBrokers: readonly string[];
  /** Kafka protocol version the client speaks (sarama); Kafka 4 removed the pre-2.1 protocols. */
  kafkaVersion: string;
  state: 'postgresql' | 'redis';
  /** Redis host:port for `state: 'redis'`. */
  redisHost: string;
  secrets: DaprSecretSource;
}

/** The secret keys the components reference; the same names as the host's environment variables. */
export const SECRET_KEYS = { databaseUrl: 'DATABASE_URL', redisPassword: 'REDIS_PASSWORD' } as const;

/** Kubernetes with the Strimzi-style in-cluster broker and the hearth-secrets Secret. */
export const KUBERNETES_DAPR_SETTINGS: DaprSettings = {
  namespace: 'hearth',
  pubsubName: 'hearth-pubsub',
  stateStoreName: 'hearth-state',
  kafkaBrokers: ['hearth-kafka-bootstrap.kafka:9092'],
  kafkaVersion: '3.6.0',
  state: 'postgresql',
  redisHost: 'redis.hearth:6379',
  secrets: { kind: 'kubernetes', secretName: 'hearth-secrets' },
};

/** Self-hosted daprd beside the local services (scripts/services.sh): secrets from daprd's environment. */
export const SELF_HOSTED_DAPR_SETTINGS: DaprSettings = {
  pubsubName: 'hearth-pubsub',
  stateStoreName: 'hearth-state',
  kafkaBrokers: ['localhost:9092'],
  kafkaVersion: '3.6.0',
  state: 'postgresql',
  redisHost: 'localhost:6379',
  secrets: { kind: 'local.env', componentName: 'hearth-secrets' },
};
