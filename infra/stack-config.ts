/** The stack configuration of the Pulumi program (`pulumi config set hearth:<key> ...`). */
import * as pulumi from '@pulumi/pulumi';
import { DEFAULT_ACA_SETTINGS, validateAcaSettings, type AcaSettings } from './aca/settings.ts';
import { DEFAULT_KNATIVE_SETTINGS, type KnativeSettings } from './knative/settings.ts';

/** Secrets read with requireSecret: they stay encrypted in state and only reach a Secret / secrets entry. */
export interface StackSecrets {
  databaseUrl: pulumi.Output<string>;
  upstashRedisRestUrl: pulumi.Output<string>;
  upstashRedisRestToken: pulumi.Output<string>;
  /** Optional: functions that call no LLM run without it. */
  llmApiKey: pulumi.Output<string> | undefined;
}

export interface StackConfig {
  target: string;
  /** `hearth:production`: refuse an unpinned image (`:latest` or no tag without `hearth:imageDigest`). */
  production: boolean;
  settings: KnativeSettings;
  /** Set when the target is `aca` (Azure Container Apps + Dapr). */
  aca: AcaSettings | undefined;
  secrets: StackSecrets;
}

/** Example values for the message of a missing key. */
const EXAMPLES: Record<string, string> = {
  image: 'ghcr.io/acme/hearth:1.2.3',
  kafkaBootstrapServers: 'kafka-1:9092,kafka-2:9092',
  location: 'westeurope',
  databaseUrl: "'postgresql://...'",
  upstashRedisRestUrl: 'https://...',
  upstashRedisRestToken: '...',
};

/**
 * Reads `hearth:*` config: target (knative, default, or aca), production, image, imageDigest, kafkaBootstrapServers
 * ("host:port,host:port"), namespace (knative), location and resourceGroupName (aca), and the secrets
 * databaseUrl, upstashRedisRestUrl, upstashRedisRestToken, llmApiKey (optional). A missing key fails
 * with the `pulumi config set` command that fixes it.
 * @example const { target, settings, aca, secrets } = readStackConfig()
 */
export function readStackConfig(config: pulumi.Config = new pulumi.Config('hearth')): StackConfig {
  const target = config.get('target') ?? 'knative';
  const servers = required(config, 'kafkaBootstrapServers')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const image = required(config, 'image');
  const imageDigest = config.get('imageDigest');
  return {
    target,
    production: config.getBoolean('production') ?? false,
    settings: {
      ...DEFAULT_KNATIVE_SETTINGS,
      namespace: config.get('namespace') ?? DEFAULT_KNATIVE_SETTINGS.namespace,
      image,
      ...(imageDigest ? { imageDigest } : {}),
      kafkaBootstrapServers: servers,
    },
    aca:
      target === 'aca'
        ? validateAcaSettings({
            location: required(config, 'location'),
            resourceGroupName: config.get('resourceGroupName'),
            image,
            kafkaBootstrapServers: servers,
            kafkaLagThreshold: config.getNumber('kafkaLagThreshold') ?? DEFAULT_ACA_SETTINGS.kafkaLagThreshold,
            logRetentionDays: config.getNumber('logRetentionDays') ?? DEFAULT_ACA_SETTINGS.logRetentionDays,
          })
        : undefined,
    secrets: {
      databaseUrl: requiredSecret(config, 'databaseUrl'),
      upstashRedisRestUrl: requiredSecret(config, 'upstashRedisRestUrl'),
      upstashRedisRestToken: requiredSecret(config, 'upstashRedisRestToken'),
      llmApiKey: config.getSecret('llmApiKey'),
    },
  };
}

function required(config: pulumi.Config, key: string): string {
  const value = config.get(key);
  if (value === undefined || value === '') throw missing(key, false);
  return value;
}

function requiredSecret(config: pulumi.Config, key: string): pulumi.Output<string> {
  const value = config.getSecret(key);
  if (value === undefined) throw missing(key, true);
  return value;
}

function missing(key: string, secret: boolean): Error {
  return new Error(
    `stack config hearth:${key} is not set; run: pulumi config set${secret ? ' --secret' : ''} hearth:${key} ${EXAMPLES[key] ?? '<value>'}`,
  );
}
