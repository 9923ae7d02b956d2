/** The stack configuration of the Pulumi program (`pulumi config set hearth:<key> ...`). */
import * as pulumi from '@pulumi/pulumi';
import { DEFAULT_KNATIVE_SETTINGS, type KnativeSettings } from './knative/settings.ts';

/** Secrets read with requireSecret: they stay encrypted in state and only ever reach a k8s Secret. */
export interface StackSecrets {
  databaseUrl: pulumi.Output<string>;
  upstashRedisRestUrl: pulumi.Output<string>;
  upstashRedisRestToken: pulumi.Output<string>;
  /** Optional: functions that call no LLM run without it. */
  llmApiKey: pulumi.Output<string> | undefined;
}

export interface StackConfig {
  target: string;
  settings: KnativeSettings;
  secrets: StackSecrets;
}

/**
 * Reads `hearth:*` config: target (default knative), namespace, image, kafkaBootstrapServers
 * ("host:port,host:port"), and the secrets databaseUrl, upstashRedisRestUrl, upstashRedisRestToken,
 * llmApiKey (optional).
 * @example const { target, settings, secrets } = readStackConfig()
 */
export function readStackConfig(config: pulumi.Config = new pulumi.Config('hearth')): StackConfig {
  const servers = config.require('kafkaBootstrapServers');
  return {
    target: config.get('target') ?? 'knative',
    settings: {
      ...DEFAULT_KNATIVE_SETTINGS,
      namespace: config.get('namespace') ?? DEFAULT_KNATIVE_SETTINGS.namespace,
      image: config.require('image'),
      kafkaBootstrapServers: servers
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    },
    secrets: {
      databaseUrl: config.requireSecret('databaseUrl'),
      upstashRedisRestUrl: config.requireSecret('upstashRedisRestUrl'),
      upstashRedisRestToken: config.requireSecret('upstashRedisRestToken'),
      llmApiKey: config.getSecret('llmApiKey'),
    },
  };
}
