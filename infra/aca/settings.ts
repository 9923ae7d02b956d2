/** What a deployment of Hearth to Azure Container Apps needs beyond the function registry. */
export interface AcaSettings {
  /** Azure region of every resource, e.g. "westeurope". */
  location: string;
  /** Name of the resource group to create; Pulumi auto-names it ("hearth-xxxxxxx") when unset. */
  resourceGroupName: string | undefined;
  /** Container image of the Hearth host (the repo's Dockerfile). */
  image: string;
  /** Kafka bootstrap servers as host:port: Dapr pub/sub, KEDA scale rules and the outbox relay. */
  kafkaBootstrapServers: readonly string[];
  /** Consumer lag per replica the KEDA kafka rule aims for. Default 50. */
  kafkaLagThreshold: number;
  /** Days Log Analytics keeps the environment's logs. Default 30. */
  logRetentionDays: number;
}

/** Defaults for the optional settings. */
export const DEFAULT_ACA_SETTINGS = { kafkaLagThreshold: 50, logRetentionDays: 30 } as const;

const HOST_PORT = /^[^\s:/]+:\d{1,5}$/;
const REGION = /^[a-z][a-z0-9]+$/;
const RESOURCE_GROUP = /^[-\w.()]{1,89}[-\w()]$/;

/**
 * Checks settings up front so a bad value fails `pulumi up` before anything is created, naming the key.
 * @example validateAcaSettings({ location: 'westeurope', image: 'ghcr.io/acme/hearth:1', ... })
 */
export function validateAcaSettings(settings: AcaSettings): AcaSettings {
  if (!REGION.test(settings.location)) {
    throw new TypeError(`hearth:location "${settings.location}" must be an Azure region name such as "westeurope"`);
  }
  if (settings.resourceGroupName !== undefined && !RESOURCE_GROUP.test(settings.resourceGroupName)) {
    throw new TypeError(
      `hearth:resourceGroupName "${settings.resourceGroupName}" must be 1-90 letters, digits, "-", "_", ".", "(" or ")", not ending in "."`,
    );
  }
  if (!settings.image || /\s/.test(settings.image)) {
    throw new TypeError(
      `hearth:image "${settings.image}" must be an image reference such as ghcr.io/acme/hearth:1.2.3`,
    );
  }
  if (settings.kafkaBootstrapServers.length === 0 || !settings.kafkaBootstrapServers.every((s) => HOST_PORT.test(s))) {
    throw new TypeError(
      `hearth:kafkaBootstrapServers must list host:port pairs, e.g. "kafka-1.example.com:9092,kafka-2.example.com:9092", got ${JSON.stringify(settings.kafkaBootstrapServers.join(','))}`,
    );
  }
  for (const key of ['kafkaLagThreshold', 'logRetentionDays'] as const) {
    if (!Number.isInteger(settings[key]) || settings[key] < 1) {
      throw new TypeError(`hearth:${key} must be a positive integer, got ${settings[key]}`);
    }
  }
  return settings;
}
