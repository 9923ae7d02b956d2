// Pulumi mock tests of the knative target: the real program (infra/index.ts) over the real function
// registry, with Pulumi's resource monitor replaced by mocks that record every registration.
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadFunctions } from '../../shared/host/registry.ts';
import { literalViolations } from '../knative/env.ts';

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const SECRET_VALUES = {
  'hearth:databaseUrl': 'postgres://hearth:db-SECRET-pw@crdb:26257/hearth',
  'hearth:upstashRedisRestUrl': 'https://secret-host.upstash.example',
  'hearth:upstashRedisRestToken': 'tok-SECRET-123',
  'hearth:llmApiKey': 'sk-SECRET-llm',
};
const registered: Registered[] = [];

async function settle(): Promise<void> {
  // Registrations resolve asynchronously (dependsOn chains); wait until no new one arrives.
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
        registered.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        return { id: `${args.name}-id`, state: args.inputs as Record<string, unknown> };
      },
      call: (args) => args.inputs as Record<string, unknown>,
    },
    'hearth',
    'test',
    false,
  );
  pulumi.runtime.setAllConfig(
    {
      'hearth:target': 'knative',
      'hearth:image': 'ghcr.io/acme/hearth:1.0.0',
      'hearth:kafkaBootstrapServers': 'k1:9092, k2:9092',
      ...SECRET_VALUES,
    },
    Object.keys(SECRET_VALUES),
  );
  const { default: program } = await import('../index.ts');
  await program();
  await settle();
});

/** CustomResources register under `kubernetes:<apiVersion>:<kind>`. */
const crs = (kind: string): Registered[] =>
  registered.filter(
    (r) => r.type === `kubernetes:${String(r.inputs['apiVersion'])}:${kind}` && !r.type.startsWith('kubernetes:core/'),
  );

describe('knative target (Pulumi mocks)', () => {
  it('creates one Knative Service per function and one source per trigger', async () => {
    const functions = await loadFunctions();
    const services = crs('Service');
    expect(services.map((s) => (s.inputs['metadata'] as { name: string }).name).sort()).toEqual(
      functions.map((f) => f.name).sort(),
    );
    const kafkaFns = functions.filter((f) => f.trigger.kind === 'kafka').map((f) => f.name);
    const cronFns = functions.filter((f) => f.trigger.kind === 'cron').map((f) => f.name);
    const sinkOf = (r: Registered): string => (r.inputs['spec'] as { sink: { ref: { name: string } } }).sink.ref.name;
    expect(crs('KafkaSource').map(sinkOf).sort()).toEqual(kafkaFns.sort());
    expect(crs('PingSource').map(sinkOf).sort()).toEqual(cronFns.sort());
    expect(crs('KafkaSink')).toHaveLength(
      new Set(functions.filter((f) => f.trigger.kind === 'kafka').map((f) => f.deadLetterTopic)).size,
    );
    expect(registered.filter((r) => r.type === 'kubernetes:core/v1:Namespace')).toHaveLength(1);
    expect(registered.filter((r) => r.type === 'kubernetes:core/v1:ConfigMap')).toHaveLength(1);
  });

  it('puts the stack config into the objects (image, bootstrap servers)', () => {
    const [service] = crs('Service');
    expect(JSON.stringify(service?.inputs)).toContain('ghcr.io/acme/hearth:1.0.0');
    for (const source of crs('KafkaSource'))
      expect((source.inputs['spec'] as { bootstrapServers: string[] }).bootstrapServers).toEqual([
        'k1:9092',
        'k2:9092',
      ]);
  });

  it('keeps secrets out of every env value: refs only, literals limited to the allowed names', () => {
    const services = crs('Service');
    expect(services.length).toBeGreaterThan(0);
    for (const service of services) {
      const containers = (
        service.inputs['spec'] as { template: { spec: { containers: { env: Record<string, unknown>[] }[] } } }
      ).template.spec.containers;
      for (const container of containers) {
        expect(literalViolations(container.env)).toEqual([]);
        const literals = container.env.filter((e) => e['value'] !== undefined);
        expect(literals.map((e) => e['name']).sort()).toEqual(['HEARTH_FUNCTIONS', 'HEARTH_PLATFORM']);
      }
    }
    const secretValues = Object.values(SECRET_VALUES);
    for (const resource of registered.filter((r) => r.type !== 'kubernetes:core/v1:Secret')) {
      const text = JSON.stringify(resource.inputs);
      for (const value of secretValues) expect(text).not.toContain(value);
    }
  });

  it('creates the Secret from the stack secrets', () => {
    const secrets = registered.filter((r) => r.type === 'kubernetes:core/v1:Secret');
    expect(secrets).toHaveLength(1);
    const text = JSON.stringify(secrets[0]?.inputs);
    for (const value of Object.values(SECRET_VALUES)) expect(text).toContain(value);
  });

  it('refuses an unknown hearth:target with the known ones listed', async () => {
    pulumi.runtime.setConfig('hearth:target', 'lambda');
    const { default: program } = await import('../index.ts');
    await expect(program()).rejects.toThrow(/hearth:target "lambda" is not supported; use one of: knative, aca/);
    pulumi.runtime.setConfig('hearth:target', 'knative');
  });
});
