// Pulumi mock tests of the aca target: deployAca over a fixed set of functions and the stack config
// read by readStackConfig, with Pulumi's resource monitor replaced by mocks that record every
// registration (the function registry itself is covered by the knative target's test).
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cron, defineFunction, http, kafka, type AnyFunction } from '../../shared/core/index.ts';
import { acaLiteralViolations } from '../aca/env.ts';
import { readStackConfig } from '../stack-config.ts';
import { deployAca } from './aca.ts';
import { selectTarget } from './index.ts';

interface Registered {
  type: string;
  name: string;
  /** Inputs with Pulumi's secret wrappers removed. */
  inputs: Record<string, unknown>;
  /** Inputs as the engine received them: secret values wrapped in `{ [SECRET_SIG]: ..., value }`. */
  raw: Record<string, unknown>;
}

/** The key Pulumi marks a serialized secret with. */
const SECRET_SIG = '4dabf18193072939515e22adb298388d';

function unwrap(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrap);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (SECRET_SIG in record) return unwrap(record['value']);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrap(v)]));
}

const SECRET_VALUES = {
  'hearth:databaseUrl': 'postgres://hearth:db-SECRET-pw@crdb:26257/hearth',
  'hearth:upstashRedisRestUrl': 'https://secret-host.upstash.example',
  'hearth:upstashRedisRestToken': 'tok-SECRET-123',
  'hearth:llmApiKey': 'sk-SECRET-llm',
};
const CONFIG = {
  'hearth:target': 'aca',
  'hearth:location': 'westeurope',
  'hearth:resourceGroupName': 'rg-hearth-test',
  'hearth:image': 'ghcr.io/acme/hearth:1.0.0',
  'hearth:kafkaBootstrapServers': 'k1:9092, k2:9092',
};
const SHARED_KEY = 'workspace-SECRET-key';
const registered: Registered[] = [];

const schema = z.object({ id: z.string() });
const functions: AnyFunction[] = [
  defineFunction({
    name: 'order-ledger',
    trigger: kafka({ topic: 'orders', schema }),
    deploy: { minScale: 1, maxScale: 5, cpu: '300m', memory: '256Mi' },
    handler: () => undefined,
  }),
  defineFunction({
    name: 'dlq-watch',
    trigger: kafka({ topics: ['a.dlq', 'b.dlq'], schema }),
    handler: () => undefined,
  }),
  defineFunction({
    name: 'quote-api',
    trigger: http({ method: 'POST', path: '/quotes', schema }),
    handler: () => undefined,
  }),
  defineFunction({ name: 'nightly', trigger: cron({ schedule: '0 3 * * *' }), handler: () => undefined }),
  defineFunction({
    name: 'tokyo-report',
    trigger: cron({ schedule: '30 9 * * MON-FRI', timezone: 'Asia/Tokyo' }),
    handler: () => undefined,
  }),
];

function without(record: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => !keys.includes(k)));
}

async function settle(): Promise<void> {
  // Registrations resolve asynchronously (outputs, dependsOn); wait until no new one arrives.
  let seen = -1;
  while (seen !== registered.length) {
    seen = registered.length;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const inputs = unwrap(args.inputs) as Record<string, unknown>;
        registered.push({ type: args.type, name: args.name, inputs, raw: args.inputs as Record<string, unknown> });
        const name = (inputs['containerAppName'] ??
          inputs['jobName'] ??
          inputs['resourceGroupName'] ??
          args.name) as string;
        return { id: `${args.name}-id`, state: { ...inputs, name, customerId: 'workspace-customer-id' } };
      },
      call: (args) =>
        args.token === 'azure-native:operationalinsights:getSharedKeys'
          ? { primarySharedKey: SHARED_KEY, secondarySharedKey: 'unused' }
          : (args.inputs as Record<string, unknown>),
    },
    'hearth',
    'test',
    false,
  );
  pulumi.runtime.setAllConfig({ ...CONFIG, ...SECRET_VALUES }, Object.keys(SECRET_VALUES));
  deployAca(functions, readStackConfig());
  await settle();
});

const ofType = (type: string): Registered[] => registered.filter((r) => r.type === `azure-native:app:${type}`);
type AppInputs = {
  containerAppName: string;
  managedEnvironmentId: string;
  configuration: {
    dapr: Record<string, unknown>;
    ingress?: Record<string, unknown>;
    secrets: { name: string; value: string }[];
  };
  template: {
    containers: { env: Record<string, unknown>[]; probes: { type: string; httpGet: { path: string } }[] }[];
    scale: {
      minReplicas: number;
      maxReplicas: number;
      rules: { name: string; custom?: { type: string; metadata: Record<string, string> } }[];
    };
  };
};
const apps = (): AppInputs[] => ofType('ContainerApp').map((r) => r.inputs as unknown as AppInputs);
const appNamed = (name: string): AppInputs => {
  const found = apps().find((a) => a.containerAppName === name);
  if (!found) throw new Error(`no Container App ${name}`);
  return found;
};

describe('aca target (Pulumi mocks)', () => {
  it('is selected by hearth:target aca', () => {
    expect(selectTarget('aca')).toBe(deployAca);
  });

  it('creates the resource group, Log Analytics and one environment logging to it with the shared key', () => {
    const groups = registered.filter((r) => r.type === 'azure-native:resources:ResourceGroup');
    expect(groups.map((g) => g.inputs)).toEqual([{ location: 'westeurope', resourceGroupName: 'rg-hearth-test' }]);
    expect(registered.filter((r) => r.type === 'azure-native:operationalinsights:Workspace')).toHaveLength(1);
    const environments = ofType('ManagedEnvironment');
    expect(environments).toHaveLength(1);
    expect(environments[0]?.inputs['appLogsConfiguration']).toEqual({
      destination: 'log-analytics',
      logAnalyticsConfiguration: { customerId: 'workspace-customer-id', sharedKey: SHARED_KEY },
    });
  });

  it('creates one Container App per kafka or HTTP function, with Dapr enabled under the function name', () => {
    const served = functions.filter((f) => f.trigger.kind !== 'cron').map((f) => f.name);
    expect(
      apps()
        .map((a) => a.containerAppName)
        .sort(),
    ).toEqual([...served].sort());
    for (const app of apps()) {
      expect(app.configuration.dapr).toEqual({
        enabled: true,
        appId: app.containerAppName,
        appPort: 8080,
        appProtocol: 'http',
        enableApiLogging: false,
      });
      expect(app.managedEnvironmentId).toBe('environment-id');
      const [container] = app.template.containers;
      expect(container?.env).toContainEqual({ name: 'HEARTH_PLATFORM', value: 'dapr' });
      expect(container?.env).toContainEqual({ name: 'HEARTH_FUNCTIONS', value: app.containerAppName });
      expect(container?.probes.map((p) => [p.type, p.httpGet.path])).toEqual([
        ['Liveness', '/health'],
        ['Readiness', '/ready'],
      ]);
    }
    expect(appNamed('quote-api').configuration.ingress).toMatchObject({ external: false, targetPort: 8080 });
    expect(appNamed('order-ledger').configuration.ingress).toBeUndefined();
    expect(appNamed('order-ledger').template.scale).toMatchObject({ minReplicas: 1, maxReplicas: 5 });
    expect(appNamed('order-ledger').template.containers[0]).toMatchObject({ resources: { cpu: 0.5, memory: '1Gi' } });
  });

  it('scales kafka functions with a KEDA kafka rule per topic on the function consumer group', () => {
    const rulesOf = (name: string) => appNamed(name).template.scale.rules.map((r) => r.custom);
    expect(rulesOf('order-ledger')).toEqual([
      {
        type: 'kafka',
        metadata: {
          bootstrapServers: 'k1:9092,k2:9092',
          consumerGroup: 'order-ledger',
          topic: 'orders',
          lagThreshold: '50',
          offsetResetPolicy: 'earliest',
        },
      },
    ]);
    expect(rulesOf('dlq-watch').map((r) => [r?.metadata['topic'], r?.metadata['consumerGroup']])).toEqual([
      ['a.dlq', 'dlq-watch'],
      ['b.dlq', 'dlq-watch'],
    ]);
    expect(appNamed('quote-api').template.scale.rules.every((r) => r.custom === undefined)).toBe(true);
  });

  it('creates a scheduled Job per cron function with a UTC cron expression and the invoke command', () => {
    const jobs = ofType('Job');
    const byName = new Map(jobs.map((j) => [j.inputs['jobName'] as string, j.inputs]));
    expect([...byName.keys()].sort()).toEqual(['nightly', 'tokyo-report']);
    const configOf = (name: string) => byName.get(name)?.['configuration'] as Record<string, unknown>;
    expect(configOf('nightly')).toMatchObject({
      triggerType: 'Schedule',
      scheduleTriggerConfig: { cronExpression: '0 3 * * *', parallelism: 1, replicaCompletionCount: 1 },
    });
    // 09:30 in Tokyo (UTC+9, no DST) is 00:30 UTC on the same weekday.
    expect(configOf('tokyo-report')).toMatchObject({ scheduleTriggerConfig: { cronExpression: '30 0 * * 1-5' } });
    const template = byName.get('nightly')?.['template'] as { containers: Record<string, unknown>[] };
    // No command: the image's entrypoint (the built CLI) runs the args.
    expect(template.containers[0]).toMatchObject({ args: ['invoke', 'nightly'] });
    expect(template.containers[0]).not.toHaveProperty('command');
    expect(byName.get('nightly')?.['environmentId']).toBe('environment-id');
  });

  it('creates the Dapr components with secrets by reference only', () => {
    const components = ofType('DaprComponent').map((r) => r.inputs);
    expect(components.map((c) => [c['componentName'], c['componentType']])).toEqual([
      ['hearth-pubsub', 'pubsub.kafka'],
      ['hearth-statestore', 'state.postgresql'],
    ]);
    const [pubsub, state] = components;
    expect(pubsub?.['metadata']).toContainEqual({ name: 'brokers', value: 'k1:9092,k2:9092' });
    expect(pubsub?.['metadata']).toContainEqual({ name: 'consumerGroup', value: '{appID}' });
    expect(pubsub?.['scopes']).toEqual(['order-ledger', 'dlq-watch']);
    expect(state?.['metadata']).toContainEqual({ name: 'connectionString', secretRef: 'database-url' });
    expect(state?.['secrets']).toEqual([{ name: 'database-url', value: SECRET_VALUES['hearth:databaseUrl'] }]);
    for (const component of components) {
      const literals = (component['metadata'] as Record<string, unknown>[]).filter((m) => m['value'] !== undefined);
      for (const value of Object.values(SECRET_VALUES)) expect(JSON.stringify(literals)).not.toContain(value);
    }
  });

  it('keeps secret values in secrets entries only; env vars reference them', () => {
    const containers = [...apps(), ...ofType('Job').map((j) => j.inputs as unknown as AppInputs)].flatMap(
      (a) => a.template.containers,
    );
    expect(containers).toHaveLength(5);
    for (const container of containers) {
      expect(acaLiteralViolations(container.env)).toEqual([]);
      expect(container.env).toContainEqual({ name: 'DATABASE_URL', secretRef: 'database-url' });
      expect(container.env).toContainEqual({ name: 'HEARTH_LLM_API_KEY', secretRef: 'llm-api-key' });
    }
    for (const app of apps()) {
      expect(app.configuration.secrets.map((s) => s.name)).toEqual([
        'database-url',
        'upstash-redis-rest-url',
        'upstash-redis-rest-token',
        'llm-api-key',
      ]);
    }
    // The engine gets every secret value marked secret (kept encrypted in the state).
    for (const resource of registered) {
      const raw = JSON.stringify(resource.raw);
      for (const value of [...Object.values(SECRET_VALUES), SHARED_KEY]) {
        if (!raw.includes(value)) continue;
        expect(raw).toContain(SECRET_SIG);
      }
    }
    const secretValues = [...Object.values(SECRET_VALUES), SHARED_KEY];
    for (const resource of registered) {
      const outside = without(resource.inputs, ['secrets', 'configuration', 'appLogsConfiguration']);
      const configRest = without((resource.inputs['configuration'] ?? {}) as Record<string, unknown>, ['secrets']);
      const text = JSON.stringify([outside, configRest]);
      for (const value of secretValues) expect(text).not.toContain(value);
    }
  });

  it('fails before creating anything for a schedule a Job cannot run, naming the function', () => {
    const before = registered.length;
    const config = readStackConfig();
    const perSecond = defineFunction({
      name: 'ticker',
      trigger: cron({ schedule: '*/10 * * * * *' }),
      handler: () => undefined,
    });
    expect(() => deployAca([...functions, perSecond], config)).toThrow(/function "ticker": .*seconds.*once a minute/);
    const paris = defineFunction({
      name: 'paris-digest',
      trigger: cron({ schedule: '0 3 * * *', timezone: 'Europe/Paris' }),
      handler: () => undefined,
    });
    expect(() => deployAca([paris], config)).toThrow(/function "paris-digest": .*Europe\/Paris.*DST.*UTC/);
    expect(registered.length).toBe(before);
  });

  it('fails clearly on missing stack config, with the command that fixes it', () => {
    const rest = without(CONFIG, ['hearth:location']);
    pulumi.runtime.setAllConfig({ ...rest, ...SECRET_VALUES }, Object.keys(SECRET_VALUES));
    try {
      expect(() => readStackConfig()).toThrow(
        'stack config hearth:location is not set; run: pulumi config set hearth:location westeurope',
      );
    } finally {
      pulumi.runtime.setAllConfig({ ...CONFIG, ...SECRET_VALUES }, Object.keys(SECRET_VALUES));
    }
  });
});
