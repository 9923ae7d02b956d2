import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { cron, defineFunction, http, kafka } from '../../shared/core/index.ts';
import { pingSchedule } from './cron.ts';
import { isoDuration } from './duration.ts';
import { literalViolations } from './env.ts';
import { buildKnativeManifests } from './manifests.ts';
import { buildService } from './service.ts';
import { assertPinnedImage, DEFAULT_KNATIVE_SETTINGS as settings, imageOf, validateSettings } from './settings.ts';
import type { K8sObject } from './types.ts';
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
    expect(only?.objects.map((o) => o.kind)).toEqual(['ServiceAccount', 'Service']);
    expect(() => buildKnativeManifests([everySecond], settings)).toThrow(/"ticker"/);
  });

  it('the keda variant emits Deployments and ScaledObjects instead', () => {
    const manifests = buildKnativeManifests([orders, nightly], { ...settings, keda: true });
    expect(manifests.functions.map((f) => f.objects.map((o) => o.kind))).toEqual([
      ['ServiceAccount', 'Deployment'],
      ['ServiceAccount', 'Deployment', 'ScaledObject'],
    ]);
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

type Pod = {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type: string } };
  volumes?: { name: string; emptyDir?: unknown }[];
  containers: {
    image: string;
    securityContext?: Record<string, unknown>;
    volumeMounts?: { name: string; mountPath: string }[];
  }[];
};

/** Every way a pod breaks Pod Security Standards "restricted" (or Hearth's own rules), as readable text. */
function restrictedViolations(object: K8sObject): string[] {
  const pod = (object['spec'] as { template?: { spec?: Pod } } | undefined)?.template?.spec;
  if (!pod) return [];
  const where = `${object.kind} ${object.metadata.name}`;
  const out: string[] = [];
  if (pod.automountServiceAccountToken !== false) out.push(`${where}: mounts a service account token`);
  if (pod.serviceAccountName !== object.metadata.name) out.push(`${where}: no ServiceAccount of its own`);
  if (!pod.volumes?.some((v) => v.name === 'tmp' && v.emptyDir)) out.push(`${where}: no emptyDir for /tmp`);
  for (const c of pod.containers) {
    const sc = c.securityContext ?? {};
    const seccomp = (sc['seccompProfile'] as { type?: string } | undefined)?.type ?? pod.securityContext?.seccompProfile?.type;
    if ((sc['runAsNonRoot'] ?? pod.securityContext?.runAsNonRoot) !== true) out.push(`${where}: may run as root`);
    if (sc['allowPrivilegeEscalation'] !== false) out.push(`${where}: allows privilege escalation`);
    if (sc['readOnlyRootFilesystem'] !== true) out.push(`${where}: writable root filesystem`);
    if (JSON.stringify(sc['capabilities']) !== JSON.stringify({ drop: ['ALL'] })) out.push(`${where}: keeps capabilities`);
    if (seccomp !== 'RuntimeDefault') out.push(`${where}: no RuntimeDefault seccomp profile`);
    if (!c.volumeMounts?.some((m) => m.name === 'tmp' && m.mountPath === '/tmp')) out.push(`${where}: /tmp not mounted`);
    if (/:latest$/.test(c.image) && !c.image.includes('@')) out.push(`${where}: image ${c.image} is :latest`);
  }
  return out;
}

describe('pod security (restricted profile)', () => {
  const pinned = { ...settings, image: 'ghcr.io/acme/hearth:1.2.3' };
  const all = [orders, nightly, billing, api];

  it('every generated pod, Knative and KEDA alike, passes the restricted profile', () => {
    for (const keda of [false, true]) {
      const objects = buildKnativeManifests(all, { ...pinned, keda }).functions.flatMap((f) => f.objects);
      expect(objects.filter((o) => o.kind === 'Service' || o.kind === 'Deployment')).toHaveLength(all.length);
      expect(objects.flatMap(restrictedViolations)).toEqual([]);
      for (const account of objects.filter((o) => o.kind === 'ServiceAccount'))
        expect(account['automountServiceAccountToken']).toBe(false);
    }
  });

  it('the check catches a pod that breaks it (a mutated copy)', () => {
    const [, service] = buildKnativeManifests([orders], pinned).functions[0]?.objects ?? [];
    const copy = structuredClone(service) as K8sObject;
    const pod = (copy['spec'] as { template: { spec: Pod } }).template.spec;
    pod.automountServiceAccountToken = true;
    delete pod.containers[0]?.securityContext;
    expect(restrictedViolations(copy)).toEqual([
      'Service order-ledger: mounts a service account token',
      'Service order-ledger: may run as root',
      'Service order-ledger: allows privilege escalation',
      'Service order-ledger: writable root filesystem',
      'Service order-ledger: keeps capabilities',
      'Service order-ledger: no RuntimeDefault seccomp profile',
    ]);
  });

  it('one NetworkPolicy: ingress from the data plane only, egress to DNS, Kafka, SQL and HTTPS only', () => {
    const policy = buildKnativeManifests(all, pinned).config.find((o) => o.kind === 'NetworkPolicy');
    const spec = policy?.['spec'] as {
      policyTypes: string[];
      ingress: { from: { namespaceSelector: { matchLabels: Record<string, string> } }[] }[];
      egress: { ports: { port: number; protocol: string }[] }[];
    };
    expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(spec.ingress[0]?.from.map((f) => f.namespaceSelector.matchLabels['kubernetes.io/metadata.name'])).toEqual([
      'knative-serving',
      'knative-eventing',
      'kourier-system',
      'monitoring',
    ]);
    expect(spec.egress.flatMap((e) => e.ports.map((p) => `${p.protocol}/${p.port}`))).toEqual([
      'UDP/53',
      'TCP/53',
      'TCP/443',
      'TCP/5432',
      'TCP/9092',
      'TCP/26257',
    ]);
  });

  it('references the image by digest when one is configured; production refuses :latest', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    expect(imageOf({ image: 'ghcr.io/acme/hearth:1.2.3', imageDigest: digest })).toBe(`ghcr.io/acme/hearth@${digest}`);
    const [, service] = buildKnativeManifests([orders], { ...pinned, imageDigest: digest }).functions[0]?.objects ?? [];
    expect((service?.['spec'] as { template: { spec: Pod } }).template.spec.containers[0]?.image).toBe(
      `ghcr.io/acme/hearth@${digest}`,
    );
    expect(() => assertPinnedImage({ image: 'ghcr.io/acme/hearth:latest' })).toThrow(/is not pinned/);
    expect(() => assertPinnedImage({ image: 'ghcr.io/acme/hearth' })).toThrow(/is not pinned/);
    expect(() => assertPinnedImage({ image: 'ghcr.io/acme/hearth:latest', imageDigest: digest })).not.toThrow();
    expect(() => assertPinnedImage({ image: 'ghcr.io/acme/hearth:1.2.3' })).not.toThrow();
    expect(() => validateSettings({ ...settings, imageDigest: 'sha256:zz' })).toThrow(/imageDigest/);
  });
});
