/**
 * The container environment of every Hearth pod. Secrets and settings are only ever references
 * (secretKeyRef/configMapKeyRef); the sole literal values are the non-secret names below.
 */
import type { EnvVar } from './types.ts';

/** Keys of the Secret; the values come from Pulumi secrets or are filled in by the operator. */
export const SECRET_KEYS = ['DATABASE_URL', 'UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN', 'HEARTH_LLM_API_KEY'] as const;
/** Secret keys a pod can start without (functions that never call an LLM). */
const OPTIONAL_SECRET_KEYS: ReadonlySet<string> = new Set(['HEARTH_LLM_API_KEY']);

/** Keys of the ConfigMap (non-secret settings). */
export const CONFIG_KEYS = ['KAFKA_BROKERS', 'KAFKA_CLIENT_ID', 'KAFKA_SSL', 'HEARTH_LOG_LEVEL'] as const;

/** The only env vars allowed a literal value: which function and which platform, nothing secret. */
export const LITERAL_ENV_NAMES: ReadonlySet<string> = new Set(['HEARTH_FUNCTIONS', 'HEARTH_PLATFORM']);

/**
 * The env list of a function's container: HEARTH_FUNCTIONS=<name> (one function per workload), the
 * platform when given, then every ConfigMap and Secret key by reference.
 * @example containerEnv('order-ledger', 'knative', { secretName: 'hearth-secrets', configMapName: 'hearth-config' })
 */
export function containerEnv(fnName: string, platform: string | undefined, refs: { secretName: string; configMapName: string }): EnvVar[] {
  const env: EnvVar[] = [{ name: 'HEARTH_FUNCTIONS', value: fnName }];
  if (platform !== undefined) env.push({ name: 'HEARTH_PLATFORM', value: platform });
  for (const key of CONFIG_KEYS) env.push({ name: key, valueFrom: { configMapKeyRef: { name: refs.configMapName, key } } });
  for (const key of SECRET_KEYS) {
    const ref = { name: refs.secretName, key, ...(OPTIONAL_SECRET_KEYS.has(key) ? { optional: true } : {}) };
    env.push({ name: key, valueFrom: { secretKeyRef: ref } });
  }
  return env;
}

/**
 * The names of env vars that carry a literal value but are not allowed to (empty when all is well).
 * @example literalViolations(container.env) // ['DATABASE_URL']
 */
export function literalViolations(env: readonly Record<string, unknown>[]): string[] {
  const bad: string[] = [];
  for (const entry of env) {
    const name = String(entry['name']);
    const from = entry['valueFrom'] as Record<string, unknown> | undefined;
    const byRef = from !== undefined && (from['secretKeyRef'] !== undefined || from['configMapKeyRef'] !== undefined);
    if (byRef && entry['value'] === undefined) continue;
    if (!LITERAL_ENV_NAMES.has(name) || from !== undefined) bad.push(name);
  }
  return bad;
}
