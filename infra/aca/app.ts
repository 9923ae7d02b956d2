import { minScaleOf, type AnyFunction } from '../../shared/core/index.ts';
import {
  acaSecrets,
  containerEnv,
  type AcaEnvVar,
  type AcaSecret,
  type AcaSecretEnv,
  type AcaSecretValues,
} from './env.ts';
import { acaName } from './names.ts';
import { containerResources, type AcaResources } from './resources.ts';
import type { AcaSettings } from './settings.ts';

/** The port the Hearth host listens on; Dapr calls the app there. */
export const APP_PORT = 8080;

/** A scale rule of a Container App: KEDA kafka lag per topic, or HTTP concurrency. */
export type AcaScaleRule =
  | { name: string; custom: { type: 'kafka'; metadata: Record<string, string> } }
  | { name: string; http: { metadata: Record<string, string> } };

/** The body of one function's Container App (without the resource group and environment ids). */
export interface AcaContainerAppSpec<V> {
  containerAppName: string;
  configuration: {
    activeRevisionsMode: 'Single';
    dapr: { enabled: true; appId: string; appPort: number; appProtocol: 'http'; enableApiLogging: false };
    ingress?: { external: false; targetPort: number; transport: 'auto'; allowInsecure: false };
    secrets: AcaSecret<V>[];
  };
  template: {
    containers: {
      name: string;
      image: string;
      env: AcaEnvVar[];
      resources: AcaResources;
      probes: {
        type: 'Liveness' | 'Readiness';
        httpGet: { path: string; port: number };
        periodSeconds: number;
        failureThreshold: number;
      }[];
    }[];
    scale: { minReplicas: number; maxReplicas: number; rules: AcaScaleRule[] };
    terminationGracePeriodSeconds: number;
  };
}

/**
 * The Container App of a kafka or HTTP function: the Hearth image serving only that function behind a
 * Dapr sidecar (app id = function name, so the pub/sub consumer group `{appID}` is the function name),
 * probes on /health and /ready, replicas from fn.deploy, a KEDA kafka rule per topic on the lag of that
 * consumer group, internal ingress for HTTP functions, secrets by reference only.
 * @example buildContainerApp(fn, settings, secretValues).configuration.dapr.appId // "order-ledger"
 */
export function buildContainerApp<V>(
  fn: AnyFunction,
  settings: AcaSettings,
  secrets: AcaSecretValues<V>,
): AcaContainerAppSpec<V> {
  if (fn.trigger.kind === 'cron') {
    throw new TypeError(
      `function "${fn.name}" is a cron function: it becomes a Container Apps Job (buildJob), not an app`,
    );
  }
  const name = acaName(fn);
  const configSecrets = acaSecrets(secrets);
  const secretEnv = (Object.keys(secrets) as AcaSecretEnv[]).filter((k) => secrets[k] !== undefined);
  const trigger = fn.trigger;
  const rules: AcaScaleRule[] =
    trigger.kind === 'kafka'
      ? trigger.topics.map((topic, i) => ({
          name: trigger.topics.length === 1 ? 'kafka-lag' : `kafka-lag-${i + 1}`,
          custom: {
            type: 'kafka',
            metadata: {
              bootstrapServers: settings.kafkaBootstrapServers.join(','),
              consumerGroup: fn.name,
              topic,
              lagThreshold: String(settings.kafkaLagThreshold),
              offsetResetPolicy: 'earliest',
            },
          },
        }))
      : [{ name: 'http-concurrency', http: { metadata: { concurrentRequests: String(fn.deploy.target ?? 10) } } }];
  return {
    containerAppName: name,
    configuration: {
      activeRevisionsMode: 'Single',
      dapr: { enabled: true, appId: fn.name, appPort: APP_PORT, appProtocol: 'http', enableApiLogging: false },
      // Kafka functions are reached by their Dapr sidecar only; HTTP functions inside the environment.
      ...(trigger.kind === 'http'
        ? { ingress: { external: false, targetPort: APP_PORT, transport: 'auto', allowInsecure: false } as const }
        : {}),
      secrets: configSecrets,
    },
    template: {
      containers: [
        {
          name: 'hearth',
          image: settings.image,
          env: containerEnv(fn.name, 'dapr', settings, secretEnv),
          resources: containerResources(fn),
          probes: [
            { type: 'Liveness', httpGet: { path: '/health', port: APP_PORT }, periodSeconds: 10, failureThreshold: 3 },
            { type: 'Readiness', httpGet: { path: '/ready', port: APP_PORT }, periodSeconds: 5, failureThreshold: 3 },
          ],
        },
      ],
      scale: { minReplicas: minScaleOf(fn), maxReplicas: fn.deploy.maxScale ?? 10, rules },
      // The handler's own limit plus room for the ledger transaction and the drain.
      terminationGracePeriodSeconds: Math.min(600, Math.ceil(fn.timeoutMs / 1000) + 30),
    },
  };
}
