/**
 * The environment of every Hearth container on Container Apps. Secret values live only in the app's or
 * job's `secrets` (from Pulumi secrets); env vars reference them by `secretRef`. The literal values are
 * the non-secret settings below.
 */
import type { AcaSettings } from './settings.ts';

/** Env var -> Container Apps secret name (lowercase, digits, "-"). */
export const ACA_SECRET_NAMES = {
  DATABASE_URL: 'database-url',
  UPSTASH_REDIS_REST_URL: 'upstash-redis-rest-url',
  UPSTASH_REDIS_REST_TOKEN: 'upstash-redis-rest-token',
  HEARTH_LLM_API_KEY: 'llm-api-key',
} as const;

export type AcaSecretEnv = keyof typeof ACA_SECRET_NAMES;

/** Secret values by env var; the LLM key is optional (functions that call no LLM run without it). */
export type AcaSecretValues<V> = Record<Exclude<AcaSecretEnv, 'HEARTH_LLM_API_KEY'>, V> & {
  HEARTH_LLM_API_KEY?: V | undefined;
};

/** The only env vars allowed a literal value on Container Apps: nothing secret. */
export const ACA_LITERAL_ENV_NAMES: ReadonlySet<string> = new Set([
  'HEARTH_FUNCTIONS',
  'HEARTH_PLATFORM',
  'KAFKA_BROKERS',
  'KAFKA_CLIENT_ID',
  'KAFKA_SSL',
  'HEARTH_LOG_LEVEL',
]);

/** One env var: a literal value or a reference to a secret of the same app or job. */
export type AcaEnvVar = { name: string; value: string } | { name: string; secretRef: string };

/** One entry of an app's or job's `configuration.secrets`. */
export interface AcaSecret<V> {
  name: string;
  value: V;
}

/**
 * The `configuration.secrets` of an app or job: one entry per configured secret value.
 * @example acaSecrets({ DATABASE_URL: dbUrl, ... }) // [{ name: 'database-url', value: dbUrl }, ...]
 */
export function acaSecrets<V>(values: AcaSecretValues<V>): AcaSecret<V>[] {
  const secrets: AcaSecret<V>[] = [];
  for (const [env, name] of Object.entries(ACA_SECRET_NAMES) as [AcaSecretEnv, string][]) {
    const value = values[env];
    if (value !== undefined) secrets.push({ name, value });
  }
  return secrets;
}

/**
 * The env list of a function's container: which function, the platform when given, the Kafka and log
 * settings, and every configured secret by `secretRef`.
 * @example containerEnv('order-ledger', 'dapr', settings, ['database-url'])
 */
export function containerEnv(
  fnName: string,
  platform: string | undefined,
  settings: Pick<AcaSettings, 'kafkaBootstrapServers'>,
  secretEnv: readonly AcaSecretEnv[],
): AcaEnvVar[] {
  const env: AcaEnvVar[] = [{ name: 'HEARTH_FUNCTIONS', value: fnName }];
  if (platform !== undefined) env.push({ name: 'HEARTH_PLATFORM', value: platform });
  env.push(
    { name: 'KAFKA_BROKERS', value: settings.kafkaBootstrapServers.join(',') },
    { name: 'KAFKA_CLIENT_ID', value: 'hearth' },
    { name: 'KAFKA_SSL', value: 'false' },
    { name: 'HEARTH_LOG_LEVEL', value: 'info' },
  );
  for (const key of secretEnv) env.push({ name: key, secretRef: ACA_SECRET_NAMES[key] });
  return env;
}

/**
 * The names of env vars that carry a literal value but are not allowed to (empty when all is well).
 * @example acaLiteralViolations(container.env) // ['DATABASE_URL']
 */
export function acaLiteralViolations(env: readonly Record<string, unknown>[]): string[] {
  return env
    .filter(
      (e) =>
        e['value'] !== undefined && (e['secretRef'] !== undefined || !ACA_LITERAL_ENV_NAMES.has(String(e['name']))),
    )
    .map((e) => String(e['name']));
}
