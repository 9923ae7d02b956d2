/**
 * Every Kubernetes object of a Knative deployment, grouped by the file it is written to. The generator
 * (YAML) and the Pulumi program (CustomResources) both use this, so they cannot drift apart.
 */
import type { AnyFunction } from '../../shared/core/index.ts';
import { buildConfigMap, buildNamespace, buildSecret } from './config.ts';
import { buildDeployment, buildScaledObject } from './keda.ts';
import { buildNetworkPolicy, buildServiceAccount } from './pod-security.ts';
import { buildService } from './service.ts';
import type { KnativeSettings } from './settings.ts';
import { validateSettings } from './settings.ts';
import { buildKafkaSink, buildKafkaSource, buildPingSource } from './sources.ts';
import type { K8sObject } from './types.ts';

/** The objects of one deployment, in apply order within each group. */
export interface KnativeManifests {
  /** Namespace, ConfigMap and the NetworkPolicy of the functions' pods. */
  config: K8sObject[];
  /** The Secret template (placeholders); kept apart so applying the manifests never overwrites a real Secret. */
  secretTemplate: K8sObject;
  /** One KafkaSink per distinct dead-letter topic of the kafka functions. */
  deadLetterSinks: K8sObject[];
  /**
   * Per function (sorted by name): its ServiceAccount, then the Service and its source, or with `keda` a
   * Deployment (+ ScaledObject).
   */
  functions: { name: string; objects: K8sObject[] }[];
}

/**
 * Builds every object for `functions`; throws naming the function when one cannot run on Knative
 * (a 6-field cron schedule).
 * @example const { functions } = buildKnativeManifests(await loadFunctions(), DEFAULT_KNATIVE_SETTINGS)
 */
export function buildKnativeManifests(functions: readonly AnyFunction[], settings: KnativeSettings): KnativeManifests {
  validateSettings(settings);
  const sorted = [...functions].sort((a, b) => a.name.localeCompare(b.name));
  const dlqTopics = new Set<string>();
  const perFunction = sorted.map((fn) => ({
    name: fn.name,
    objects: [buildServiceAccount(fn.name, settings), ...functionObjects(fn, settings, dlqTopics)],
  }));
  return {
    config: [buildNamespace(settings), buildConfigMap(settings), buildNetworkPolicy(settings)],
    secretTemplate: buildSecret(settings),
    deadLetterSinks: [...dlqTopics].sort().map((topic) => buildKafkaSink(topic, settings)),
    functions: perFunction,
  };
}

function functionObjects(fn: AnyFunction, settings: KnativeSettings, dlqTopics: Set<string>): K8sObject[] {
  switch (fn.trigger.kind) {
    case 'kafka':
      // The plain-Deployment alternative: the local host owns retries and the DLQ, KEDA the replicas.
      if (settings.keda) return [buildDeployment(fn, settings), buildScaledObject(fn, settings)];
      dlqTopics.add(fn.deadLetterTopic);
      return [buildService(fn, settings), buildKafkaSource(fn, settings)];
    case 'cron':
      if (settings.keda) return [buildDeployment(fn, settings)];
      return [buildService(fn, settings), buildPingSource(fn, settings)];
    case 'http':
      // Requests reach the Service directly (the host serves the function's route); no source.
      return [settings.keda ? buildDeployment(fn, settings) : buildService(fn, settings)];
  }
}
