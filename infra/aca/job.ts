import type { AnyFunction } from '../../shared/core/index.ts';
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
import { jobCronExpression } from './schedule.ts';
import type { AcaSettings } from './settings.ts';

/** The body of one cron function's Container Apps Job (without the resource group and environment ids). */
export interface AcaJobSpec<V> {
  jobName: string;
  configuration: {
    triggerType: 'Schedule';
    scheduleTriggerConfig: { cronExpression: string; parallelism: 1; replicaCompletionCount: 1 };
    replicaTimeout: number;
    replicaRetryLimit: number;
    secrets: AcaSecret<V>[];
  };
  template: {
    containers: {
      name: string;
      image: string;
      args: string[];
      env: AcaEnvVar[];
      resources: AcaResources;
    }[];
  };
}

/**
 * The scheduled Job of a cron function: at each tick (UTC, see jobCronExpression) one replica runs
 * `hearth invoke <name>`, which runs the tick through the core with its ledger key, so a retried or
 * doubled execution has one effect. A failed run exits non-zero and the Job retries it.
 * @example buildJob(fn, settings, secretValues).configuration.scheduleTriggerConfig.cronExpression // "*\/5 * * * *"
 */
export function buildJob<V>(
  fn: AnyFunction,
  settings: AcaSettings,
  secrets: AcaSecretValues<V>,
  now?: Date,
): AcaJobSpec<V> {
  if (fn.trigger.kind !== 'cron')
    throw new TypeError(`function "${fn.name}" has a ${fn.trigger.kind} trigger; only cron functions become Jobs`);
  const secretEnv = (Object.keys(secrets) as AcaSecretEnv[]).filter((k) => secrets[k] !== undefined);
  return {
    jobName: acaName(fn),
    configuration: {
      triggerType: 'Schedule',
      scheduleTriggerConfig: { cronExpression: jobCronExpression(fn, now), parallelism: 1, replicaCompletionCount: 1 },
      // Every attempt's limit plus start-up (connect, migrations) and the outbox flush.
      replicaTimeout: Math.ceil((fn.timeoutMs * fn.retry.attempts) / 1000) + 120,
      replicaRetryLimit: Math.min(10, fn.retry.attempts - 1),
      secrets: acaSecrets(secrets),
    },
    template: {
      containers: [
        {
          name: 'hearth',
          image: settings.image,
          // The image's entrypoint is the CLI (see Dockerfile). No --scheduled-at: the CLI takes the newest tick of the function's schedule at or before now.
          args: ['invoke', fn.name],
          env: containerEnv(fn.name, undefined, settings, secretEnv),
          resources: containerResources(fn),
        },
      ],
    },
  };
}
