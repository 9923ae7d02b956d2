/**
 * The knative target: the same objects as knative/*.yaml (built by infra/knative), created with
 * Pulumi, plus the real Secret filled from stack secrets.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { AnyFunction } from '../../shared/core/index.ts';
import { buildSecret } from '../knative/config.ts';
import { buildKnativeManifests } from '../knative/manifests.ts';
import { assertPinnedImage } from '../knative/settings.ts';
import type { K8sObject } from '../knative/types.ts';
import type { StackConfig } from '../stack-config.ts';

/**
 * Creates Namespace, ConfigMap, NetworkPolicy, Secret, KafkaSinks, and per function its ServiceAccount,
 * Knative Service and source. A stack marked `hearth:production` refuses an unpinned image (`:latest`).
 * @example const outputs = deployKnative(await loadFunctions(), readStackConfig())
 */
export function deployKnative(functions: readonly AnyFunction[], config: StackConfig): Record<string, unknown> {
  const manifests = buildKnativeManifests(functions, { ...config.settings, keda: false });
  if (config.production) assertPinnedImage(config.settings);
  const [namespaceObject, configMapObject, policyObject] = manifests.config as [K8sObject, K8sObject, K8sObject];
  const namespace = new k8s.core.v1.Namespace('namespace', { metadata: namespaceObject.metadata });
  const inNamespace: pulumi.CustomResourceOptions = { dependsOn: [namespace] };
  new k8s.core.v1.ConfigMap(
    'config',
    { metadata: configMapObject.metadata, data: configMapObject['data'] as Record<string, string> },
    inNamespace,
  );
  new k8s.networking.v1.NetworkPolicy(
    'network-policy',
    { metadata: policyObject.metadata, spec: policyObject['spec'] as k8s.types.input.networking.v1.NetworkPolicySpec },
    inNamespace,
  );
  const { secrets } = config;
  const secretObject = buildSecret(config.settings, {
    DATABASE_URL: secrets.databaseUrl,
    UPSTASH_REDIS_REST_URL: secrets.upstashRedisRestUrl,
    UPSTASH_REDIS_REST_TOKEN: secrets.upstashRedisRestToken,
    // An empty value keeps the key present; the optional env ref then yields "" (no LLM configured).
    HEARTH_LLM_API_KEY: secrets.llmApiKey ?? pulumi.secret(''),
  });
  const secret = new k8s.core.v1.Secret(
    'secrets',
    {
      metadata: secretObject.metadata,
      type: 'Opaque',
      stringData: secretObject['stringData'] as Record<string, pulumi.Input<string>>,
    },
    inNamespace,
  );
  const sinks = manifests.deadLetterSinks.map((object) => customResource(object, inNamespace));
  const services: Record<string, pulumi.Output<unknown>> = {};
  for (const fn of manifests.functions) {
    const [accountObject, serviceObject, ...sourceObjects] = fn.objects as [K8sObject, K8sObject, ...K8sObject[]];
    const account = new k8s.core.v1.ServiceAccount(
      `serviceaccount-${fn.name}`,
      { metadata: accountObject.metadata, automountServiceAccountToken: false },
      inNamespace,
    );
    // The pods read the Secret at start: create it before the first revision.
    const service = customResource(serviceObject, { dependsOn: [namespace, secret, account] });
    for (const object of sourceObjects) customResource(object, { dependsOn: [namespace, service, ...sinks] });
    services[fn.name] = service.metadata.name;
  }
  return { target: 'knative', namespace: namespace.metadata.name, services };
}

/** A CustomResource named `<kind>-<name>` (Pulumi names are unique per type; this keeps them readable). */
function customResource(object: K8sObject, opts: pulumi.CustomResourceOptions): k8s.apiextensions.CustomResource {
  const { apiVersion, kind, metadata, ...body } = object;
  return new k8s.apiextensions.CustomResource(
    `${kind.toLowerCase()}-${metadata.name}`,
    { apiVersion, kind, metadata, ...body },
    opts,
  );
}
