import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { cron, defineFunction, http, kafka } from '../../shared/core/index.ts';
import { pingSchedule } from './cron.ts';
import { isoDuration } from './duration.ts';
import { literalViolations } from './env.ts';
import { buildKnativeManifests } from './manifests.ts';
import { buildService } from './service.ts';
import { DEFAULT_KNATIVE_SETTINGS as settings, validateSettings } from './settings.ts';
import { buildKafkaSource, buildPingSource, sinkNameOf } from './sources.ts';
import { buildScaledObject } from './keda.ts';

const orders = defineFunction({
  name: 'order-ledger',
  trigger: kafka({ topic: 'orders', schema: z.object({}) }),
  retries: { attempts: 6, initialDelayMs: 1_500 },
  deploy: { minScale: 1, maxScale: 4, target: 20, containerConcurrency: 8, cpu: '250m', memory: '512Mi' },
  handler: () => {},
});
const billing = defineFunction({ name: 'billing', trigger: kafka({ topic: 'bills', schema: z.object({}) }), deadLetterTopic: 'orders.dlq', handler: () => {} });
const nightly = defineFunction({ name: 'nightly', trigger: cron({ schedule: '0 3 * * *', timezone: 'Europe/Paris' }), handler: () => {} });
const everySecond = defineFunction({ name: 'ticker', trigger: cron({ schedule: '*/10 * * * * *' }), handler: () => {} });
const api = defineFunction({ name: 'api', trigger: http({ method: 'POST', path: '/x', schema: z.object({}) }), handler: () => {} });

describe('buildService', () => {
  it('takes autoscaling, concurrency and resources from fn.deploy and serves one function', () => {
    const service = buildService(orders, settings) as unknown as {
      spec: { template: { metadata: { annotations: Record<string, string> }; spec: { containerConcurrency: number; containers: Record<string, unknown>[] } } };
    };
    expect(service.spec.template.metadata.annotations).toEqual({
      'autoscaling.knative.dev/min-scale': '1',
      'autoscaling.knative.dev/max-scale': '4',
      'autoscaling.knative.dev/target': '20',
    });
    expect(service.spec.template.spec.containerConcurrency).toBe(8);
    const [container] = service.spec.template.spec.containers;
    expect(container?.['resources']).toEqual({ requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '512Mi' } });
    expect(container?.['env']).toContainEqual({ name: 'HEARTH_FUNCTIONS', value: 'order-ledger' });
    expect(container?.['env']).toContainEqual({ name: 'HEARTH_PLATFORM', value: 'knative' });
    expect(literalViolations(container?.['env'] as Record<string, unknown>[])).toEqual([]);
  });
});

describe('literalViolations', () => {
  it('flags a literal secret and any non-allowed literal', () => {
    expect(literalViolations([{ name: 'DATABASE_URL', value: 'postgres://u:p@h/db' }, { name: 'HEARTH_PLATFORM', value: 'knative' }])).toEqual([
      'DATABASE_URL',
    ]);
  });
});

describe('sources', () => {
  it('KafkaSource: group, retry = attempts - 1, ISO backoff and the dead-letter KafkaSink', () => {
    const spec = buildKafkaSource(orders, settings)['spec'] as Record<string, unknown>;
    expect(spec['consumerGroup']).toBe('knative.hearth.order-ledger');
    expect(spec['topics']).toEqual(['orders']);
    expect(spec['delivery']).toEqual({
      retry: 5,
      backoffPolicy: 'exponential',
      backoffDelay: 'PT1.5S',
      deadLetterSink: { ref: { apiVersion: 'eventing.knative.dev/v1alpha1', kind: 'KafkaSink', name: 'order-ledger-dlq' } },
    });
  });

  it('PingSource: schedule, zone, JSON data naming the function; 6-field schedules fail naming the function', () => {
    expect(buildPingSource(nightly, settings)['spec']).toMatchObject({
      schedule: '0 3 * * *',
      timezone: 'Europe/Paris',
      contentType: 'application/json',
      data: '{"function":"nightly"}',
    });
    expect(() => pingSchedule(everySecond)).toThrow(/function "ticker".*6 fields/);
  });

  it('KEDA ScaledObject scales on the local host group', () => {
    expect(buildScaledObject(orders, settings)['spec']).toMatchObject({
      minReplicaCount: 1,
      maxReplicaCount: 4,
      triggers: [{ type: 'kafka', metadata: { consumerGroup: 'order-ledger', topic: 'orders', lagThreshold: '50' } }],
    });
  });

  it('derives DNS-label sink names', () => {
    expect(sinkNameOf('Team_A.orders.dlq')).toBe('team-a-orders-dlq');
  });
});

describe('buildKnativeManifests', () => {
  it('sorts functions, shares one KafkaSink per dead-letter topic', () => {
    const manifests = buildKnativeManifests([orders, nightly, billing], settings);
    expect(manifests.functions.map((f) => f.name)).toEqual(['billing', 'nightly', 'order-ledger']);
    expect(manifests.deadLetterSinks.map((s) => s.metadata.name)).toEqual(['order-ledger-dlq', 'orders-dlq']);
  });

  it('serves an http function as a Service with no source, and refuses 6-field crons naming the function', () => {
    const [only] = buildKnativeManifests([api], settings).functions;
    expect(only?.objects.map((o) => o.kind)).toEqual(['Service']);
    expect(() => buildKnativeManifests([everySecond], settings)).toThrow(/"ticker"/);
  });

  it('the keda variant emits Deployments and ScaledObjects instead', () => {
    const manifests = buildKnativeManifests([orders, nightly], { ...settings, keda: true });
    expect(manifests.functions.map((f) => f.objects.map((o) => o.kind))).toEqual([['Deployment'], ['Deployment', 'ScaledObject']]);
    expect(manifests.deadLetterSinks).toEqual([]);
  });
});

describe('settings and durations', () => {
  it('validates settings naming the field', () => {
    expect(() => validateSettings({ ...settings, namespace: 'Prod' })).toThrow(/namespace "Prod"/);
    expect(() => validateSettings({ ...settings, kafkaBootstrapServers: ['kafka'] })).toThrow(/kafkaBootstrapServers/);
  });

  it('formats ISO-8601 durations', () => {
    expect([isoDuration(0), isoDuration(200), isoDuration(30_000), isoDuration(5_400_000 + 1_500)]).toEqual(['PT0S', 'PT0.2S', 'PT30S', 'PT1H30M1.5S']);
    expect(() => isoDuration(-1)).toThrow(/non-negative/);
  });
});
