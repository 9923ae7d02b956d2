/**
 * The aca target: Azure Container Apps with Dapr. A resource group, a Log Analytics workspace, one
 * managed environment with the Dapr components, a Container App per kafka or HTTP function and a
 * scheduled Job per cron function, all built by the plain builders in infra/aca.
 */
import { assertPinnedImage } from '../knative/settings.ts';
import * as azure from '@pulumi/azure-native';
import * as pulumi from '@pulumi/pulumi';
import type { AnyFunction } from '../../shared/core/index.ts';
import { buildContainerApp } from '../aca/app.ts';
import { buildDaprComponents } from '../aca/dapr.ts';
import type { AcaSecretValues } from '../aca/env.ts';
import { buildJob } from '../aca/job.ts';
import type { StackConfig } from '../stack-config.ts';

/**
 * Creates the Azure resources of `functions`; every spec is built first, so a function that cannot
 * be deployed (a schedule Jobs cannot run, too long a name) fails before anything is created.
 * @example const outputs = deployAca(await loadFunctions(), readStackConfig())
 */
export function deployAca(functions: readonly AnyFunction[], config: StackConfig): Record<string, unknown> {
  const settings = config.aca;
  if (!settings) throw new Error('deployAca(): the stack config has no aca settings (is hearth:target "aca"?)');
  if (config.production) assertPinnedImage({ image: settings.image, ...imageDigestOf(config) });
  const { secrets } = config;
  const secretValues: AcaSecretValues<pulumi.Output<string>> = {
    DATABASE_URL: secrets.databaseUrl,
    UPSTASH_REDIS_REST_URL: secrets.upstashRedisRestUrl,
    UPSTASH_REDIS_REST_TOKEN: secrets.upstashRedisRestToken,
    HEARTH_LLM_API_KEY: secrets.llmApiKey,
  };
  const appSpecs = functions
    .filter((f) => f.trigger.kind !== 'cron')
    .map((f) => buildContainerApp(f, settings, secretValues));
  const jobSpecs = functions.filter((f) => f.trigger.kind === 'cron').map((f) => buildJob(f, settings, secretValues));
  const componentSpecs = buildDaprComponents(functions, settings, { databaseUrl: secrets.databaseUrl });

  const { location } = settings;
  const group = new azure.resources.ResourceGroup('hearth', {
    location,
    ...(settings.resourceGroupName ? { resourceGroupName: settings.resourceGroupName } : {}),
  });
  const resourceGroupName = group.name;
  const workspace = new azure.operationalinsights.Workspace('logs', {
    resourceGroupName,
    location,
    sku: { name: 'PerGB2018' },
    retentionInDays: settings.logRetentionDays,
  });
  const keys = azure.operationalinsights.getSharedKeysOutput({ resourceGroupName, workspaceName: workspace.name });
  const environment = new azure.app.ManagedEnvironment('environment', {
    resourceGroupName,
    location,
    appLogsConfiguration: {
      destination: 'log-analytics',
      logAnalyticsConfiguration: {
        customerId: workspace.customerId,
        sharedKey: pulumi.secret(keys.apply((k) => k.primarySharedKey ?? '')),
      },
    },
  });
  const environmentName = environment.name;
  // Apps resolve their Dapr components at start: create the components first.
  const components = componentSpecs.map(
    (spec) =>
      new azure.app.DaprComponent(`dapr-${spec.componentName}`, { resourceGroupName, environmentName, ...spec }),
  );
  const apps: Record<string, pulumi.Output<string>> = {};
  for (const spec of appSpecs) {
    const created = new azure.app.ContainerApp(
      `app-${spec.containerAppName}`,
      { resourceGroupName, location, managedEnvironmentId: environment.id, ...spec },
      { dependsOn: components },
    );
    apps[spec.containerAppName] = created.name;
  }
  const jobs: Record<string, pulumi.Output<string>> = {};
  for (const spec of jobSpecs) {
    const created = new azure.app.Job(`job-${spec.jobName}`, {
      resourceGroupName,
      location,
      environmentId: environment.id,
      ...spec,
    });
    jobs[spec.jobName] = created.name;
  }
  return { target: 'aca', resourceGroup: resourceGroupName, environment: environmentName, apps, jobs };
}

function imageDigestOf(config: StackConfig): { imageDigest?: string } {
  return config.settings.imageDigest ? { imageDigest: config.settings.imageDigest } : {};
}
