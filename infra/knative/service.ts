import { minScaleOf, type AnyFunction } from '../../shared/core/index.ts';
import { containerEnv } from './env.ts';
import { HTTP_PORT, labelsFor } from './labels.ts';
import { containerSecurity, podSecurity } from './pod-security.ts';
import { imageOf, type KnativeSettings } from './settings.ts';
import type { K8sObject } from './types.ts';

/** Defaults when a function gives no deploy hints. */
const DEFAULTS = { maxScale: 10, cpu: '100m', memory: '256Mi' } as const;

/**
 * The Knative Service of one function: the Hearth image serving only that function
 * (HEARTH_FUNCTIONS=<name>, HEARTH_PLATFORM=knative), cluster-local (only sources call it), with
 * autoscaling and resources from fn.deploy.
 * @example buildService(fn, DEFAULT_KNATIVE_SETTINGS).metadata.name // "order-ledger"
 */
export function buildService(fn: AnyFunction, settings: KnativeSettings): K8sObject {
  const deploy = fn.deploy;
  const annotations: Record<string, string> = {
    'autoscaling.knative.dev/min-scale': String(minScaleOf(fn)),
    'autoscaling.knative.dev/max-scale': String(deploy.maxScale ?? DEFAULTS.maxScale),
  };
  if (deploy.target !== undefined) annotations['autoscaling.knative.dev/target'] = String(deploy.target);
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: {
      name: fn.name,
      namespace: settings.namespace,
      // Only the KafkaSource/PingSource dispatchers call the function: no public route.
      labels: { ...labelsFor(fn.name), 'networking.knative.dev/visibility': 'cluster-local' },
    },
    spec: {
      template: {
        metadata: { labels: labelsFor(fn.name), annotations },
        spec: {
          ...podSecurity(fn.name),
          // Per-replica in-flight requests; defaults to the function's per-partition key concurrency.
          containerConcurrency: deploy.containerConcurrency ?? fn.keyConcurrency,
          // The handler's own limit plus room for the ledger transaction and the response.
          timeoutSeconds: Math.min(3600, Math.ceil(fn.timeoutMs / 1000) + 30),
          containers: [
            {
              name: 'hearth',
              image: imageOf(settings),
              ports: [{ name: 'http1', containerPort: HTTP_PORT }],
              env: containerEnv(fn.name, 'knative', settings),
              resources: {
                requests: { cpu: deploy.cpu ?? DEFAULTS.cpu, memory: deploy.memory ?? DEFAULTS.memory },
                // A memory limit protects the node; no CPU limit so bursts are not throttled.
                limits: { memory: deploy.memory ?? DEFAULTS.memory },
              },
              readinessProbe: { httpGet: { path: '/ready' }, periodSeconds: 5 },
              livenessProbe: { httpGet: { path: '/health' }, periodSeconds: 10, failureThreshold: 3 },
              ...containerSecurity(),
            },
          ],
        },
      },
    },
  };
}
