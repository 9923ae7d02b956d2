import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cron, defineFunction, http, kafka } from '../../shared/core/index.ts';
import { buildDaprResources } from './resources.ts';
import { KUBERNETES_DAPR_SETTINGS, SELF_HOSTED_DAPR_SETTINGS } from './settings.ts';
import type { DaprResource } from './types.ts';
import { SCHEMAS_DIR } from '../../test/support/schemas.ts';

const schemas = path.join(SCHEMAS_DIR, 'dapr.io');
const FILES: Record<string, string> = {
  'dapr.io/v1alpha1/Component': 'component_v1alpha1.json',
  'dapr.io/v2alpha1/Subscription': 'subscription_v2alpha1.json',
  'dapr.io/v1alpha1/Resiliency': 'resiliency_v1alpha1.json',
};
// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;
const validators = new Map<string, ValidateFunction>();

beforeAll(async () => {
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  for (const [kind, file] of Object.entries(FILES))
    validators.set(kind, ajv.compile(JSON.parse(await readFile(path.join(schemas, file), 'utf8')) as object));
});

function errorsOf(resource: DaprResource): string[] {
  const validate = validators.get(`${resource.apiVersion}/${resource.kind}`);
  if (!validate) return [`no schema for ${resource.apiVersion}/${resource.kind}`];
  const name = resource.metadata.name;
  return validate(resource) ? [] : (validate.errors ?? []).map((e) => `${name}: ${e.instancePath} ${e.message ?? ''}`);
}

const ledger = defineFunction({
  name: 'ledger',
  trigger: kafka({ topic: 'orders', schema: z.unknown() }),
  retries: { attempts: 3, maxDelayMs: 10_000 },
  handler: () => undefined,
});
const digest = defineFunction({
  name: 'digest',
  trigger: cron({ schedule: '0 3 * * *', timezone: 'Europe/Paris' }),
  handler: () => undefined,
});
const api = defineFunction({
  name: 'api',
  trigger: http({ method: 'POST', path: '/x', schema: z.unknown() }),
  handler: () => undefined,
});

describe('buildDaprResources', () => {
  it('validates against the dapr.io schemas for both flavors', () => {
    for (const settings of [KUBERNETES_DAPR_SETTINGS, SELF_HOSTED_DAPR_SETTINGS]) {
      const r = buildDaprResources([ledger, digest, api], settings);
      expect([...r.components, ...r.resiliency, ...r.subscriptions].flatMap(errorsOf)).toEqual([]);
    }
  });

  it('the schemas catch a wrong field', () => {
    const [pubsub] = buildDaprResources([ledger], KUBERNETES_DAPR_SETTINGS).components;
    const broken = { ...(pubsub as DaprResource), spec: { type: 'pubsub.kafka', metadata: [] } };
    expect(errorsOf(broken).join('\n')).toContain('version');
  });

  it('builds pub/sub, state, cron binding, subscription and resiliency from the functions', () => {
    const r = buildDaprResources([ledger, digest, api], SELF_HOSTED_DAPR_SETTINGS);
    expect(r.components.map((c) => `${c.metadata.name}:${(c['spec'] as { type: string }).type}`)).toEqual([
      'hearth-secrets:secretstores.local.env',
      'hearth-pubsub:pubsub.kafka',
      'hearth-state:state.postgresql',
      'cron-digest:bindings.cron',
    ]);
    const cronSpec = r.components[3]?.['spec'] as { metadata: { name: string; value: string }[] };
    expect(cronSpec.metadata).toContainEqual({ name: 'schedule', value: 'CRON_TZ=Europe/Paris 0 0 3 * * *' });
    expect(r.subscriptions[0]?.['spec']).toEqual({
      pubsubname: 'hearth-pubsub',
      topic: 'orders',
      routes: { default: '/dapr/events/ledger' },
      deadLetterTopic: 'ledger.dlq',
      metadata: { rawPayload: 'true' },
    });
    expect(r.resiliency.find((x) => x.metadata.name === 'ledger')?.['spec']).toEqual({
      policies: { retries: { 'retry-ledger': { policy: 'exponential', maxInterval: '10s', maxRetries: 2 } } },
      targets: { components: { 'hearth-pubsub': { inbound: { retry: 'retry-ledger' } } } },
    });
  });

  it('references secrets by secretKeyRef only, from the Kubernetes Secret or the env store', () => {
    const k8s = buildDaprResources([ledger], KUBERNETES_DAPR_SETTINGS).components.find(
      (c) => c.metadata.name === 'hearth-state',
    );
    expect((k8s?.['spec'] as { metadata: unknown[] }).metadata[0]).toEqual({
      name: 'connectionString',
      secretKeyRef: { name: 'hearth-secrets', key: 'DATABASE_URL' },
    });
    expect(k8s?.['auth']).toBeUndefined();
    const self = buildDaprResources([ledger], { ...SELF_HOSTED_DAPR_SETTINGS, state: 'redis' }).components.find(
      (c) => c.metadata.name === 'hearth-state',
    );
    expect(self?.['spec']).toMatchObject({ type: 'state.redis' });
    expect(self?.['auth']).toEqual({ secretStore: 'hearth-secrets' });
  });
});
