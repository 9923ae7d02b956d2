/**
 * What every generated pod gets to pass the Pod Security Standards "restricted" profile: a non-root
 * user, a read-only root filesystem with an emptyDir for /tmp, no privilege escalation, every capability
 * dropped, the RuntimeDefault seccomp profile, and a ServiceAccount of its own whose token is never
 * mounted (functions do not call the Kubernetes API). Settings live at container level, which Knative
 * accepts without the `kubernetes.podspec-securitycontext` feature flag.
 */
import { labelsFor } from './labels.ts';
import { DEFAULT_EGRESS_PORTS, DEFAULT_INGRESS_NAMESPACES, type KnativeSettings } from './settings.ts';
import type { K8sObject } from './types.ts';

/** The uid of the image's `node` user (the Dockerfile's `USER node`). */
export const RUN_AS_USER = 1000;

/** The container's securityContext. */
export const CONTAINER_SECURITY = {
  runAsNonRoot: true,
  runAsUser: RUN_AS_USER,
  runAsGroup: RUN_AS_USER,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
} as const;

/**
 * The pod-level fields of a function's pod: its ServiceAccount, no token, and the writable /tmp.
 * @example ({ ...podSecurity('orders'), containers: [{ ...container, ...containerSecurity() }] })
 */
export function podSecurity(fnName: string): Record<string, unknown> {
  return {
    serviceAccountName: fnName,
    automountServiceAccountToken: false,
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
  };
}

/**
 * The container-level fields: the securityContext and the /tmp mount.
 * @example containers: [{ name: 'hearth', image, ...containerSecurity() }]
 */
export function containerSecurity(): Record<string, unknown> {
  return { securityContext: CONTAINER_SECURITY, volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }] };
}

/**
 * One ServiceAccount per function, so RBAC and workload identity can be granted per function; it mounts
 * no token by default.
 * @example buildServiceAccount('orders', settings).kind // "ServiceAccount"
 */
export function buildServiceAccount(fnName: string, settings: KnativeSettings): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: fnName, namespace: settings.namespace, labels: labelsFor(fnName) },
    automountServiceAccountToken: false,
  };
}

/**
 * The namespace's NetworkPolicy for Hearth's pods: ingress only from the platform's data plane (and
 * Prometheus), egress only to DNS, the Kafka ports of the bootstrap servers, SQL and HTTPS.
 * @example buildNetworkPolicy(settings).spec.policyTypes // ["Ingress", "Egress"]
 */
export function buildNetworkPolicy(settings: KnativeSettings): K8sObject {
  const kafkaPorts = settings.kafkaBootstrapServers.map((s) => Number(s.slice(s.lastIndexOf(':') + 1)));
  const ports = [...new Set([...kafkaPorts, ...(settings.egressPorts ?? DEFAULT_EGRESS_PORTS)])].sort((a, b) => a - b);
  const byName = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'hearth-functions', namespace: settings.namespace, labels: labelsFor() },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'hearth' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: (settings.ingressNamespaces ?? DEFAULT_INGRESS_NAMESPACES).map(byName) }],
      egress: [
        {
          to: [{ ...byName('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
        { ports: ports.map((port) => ({ protocol: 'TCP', port })) },
      ],
    },
  };
}
