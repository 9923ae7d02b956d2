/**
 * The plain-Kubernetes alternative to Knative: a Deployment running the local host (its own kafkajs
 * consumer group `<name>`, in-process retries and DLQ, in-process cron) scaled by KEDA on consumer lag.
 */
import { minScaleOf, type AnyFunction } from '../../shared/core/index.ts';
import { containerEnv } from './env.ts';
import { HTTP_PORT, labelsFor } from './labels.ts';
import { containerSecurity, podSecurity } from './pod-security.ts';
import { imageOf, type KnativeSettings } from './settings.ts';
import type { K8sObject } from './types.ts';

/**
 * A Deployment serving one function with the local host (no HEARTH_PLATFORM: the host's default).
 * @example buildDeployment(fn, settings).kind // "Deployment"
 */
export function buildDeployment(fn: AnyFunction, settings: KnativeSettings): K8sObject {
  const selector = { 'app.kubernetes.io/name': 'hearth', 'hearth.dev/function': fn.name };
  const memory = fn.deploy.memory ?? '256Mi';
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: fn.name, namespace: settings.namespace, labels: { ...labelsFor(fn.name), ...selector } },
    spec: {
      // KEDA owns replicas of kafka functions; cron functions run min-scale replicas (one tick per run).
      replicas: Math.max(1, fn.deploy.minScale ?? 1),
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: { ...labelsFor(fn.name), ...selector } },
        spec: {
          ...podSecurity(fn.name),
          terminationGracePeriodSeconds: Math.ceil(fn.timeoutMs / 1000) + 30,
          containers: [
            {
              name: 'hearth',
              image: imageOf(settings),
              ports: [{ name: 'http', containerPort: HTTP_PORT }],
              env: containerEnv(fn.name, undefined, settings),
              resources: { requests: { cpu: fn.deploy.cpu ?? '100m', memory }, limits: { memory } },
              readinessProbe: { httpGet: { path: '/ready', port: HTTP_PORT }, periodSeconds: 5 },
              livenessProbe: { httpGet: { path: '/health', port: HTTP_PORT }, periodSeconds: 10, failureThreshold: 3 },
              ...containerSecurity(),
            },
          ],
        },
      },
    },
  };
}

/**
 * A KEDA ScaledObject scaling a kafka function's Deployment on the lag of its consumer group.
 * @example buildScaledObject(fn, settings).spec.triggers[0].type // "kafka"
 */
export function buildScaledObject(fn: AnyFunction, settings: KnativeSettings): K8sObject {
  if (fn.trigger.kind !== 'kafka') throw new TypeError(`buildScaledObject(): function "${fn.name}" has a ${fn.trigger.kind} trigger, not kafka`);
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: fn.name, namespace: settings.namespace, labels: labelsFor(fn.name) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: fn.name },
      minReplicaCount: minScaleOf(fn),
      maxReplicaCount: fn.deploy.maxScale ?? 10,
      triggers: [
        {
          type: 'kafka',
          metadata: {
            bootstrapServers: settings.kafkaBootstrapServers.join(','),
            // The local host's consumer group is the function name (see defineFunction).
            consumerGroup: fn.name,
            topic: fn.trigger.topic,
            lagThreshold: String(settings.kedaLagThreshold ?? 50),
            offsetResetPolicy: 'earliest',
          },
        },
      ],
    },
  };
}
