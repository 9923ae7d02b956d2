// The committed knative/ manifests equal a fresh generation, and every custom resource validates against
// its JSON schema (test/schemas; KafkaSource/KafkaSink from infra/knative/schemas),
// which is itself shown to catch a wrong field or a wrong type.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKnativeFiles, KNATIVE_DIR } from '../../infra/generate-knative.ts';
import { literalViolations } from '../../infra/knative/env.ts';
import { DEFAULT_KNATIVE_SETTINGS } from '../../infra/knative/settings.ts';
import type { K8sObject } from '../../infra/knative/types.ts';
import { SCHEMAS_DIR } from '../support/schemas.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const sharedSchemas = SCHEMAS_DIR;
const localSchemas = path.join(repoRoot, 'infra/knative/schemas');
const SCHEMA_FILES: Record<string, string> = {
  'serving.knative.dev/v1/Service': path.join(sharedSchemas, 'serving.knative.dev/service_v1.json'),
  'sources.knative.dev/v1/PingSource': path.join(sharedSchemas, 'sources.knative.dev/pingsource_v1.json'),
  'keda.sh/v1alpha1/ScaledObject': path.join(sharedSchemas, 'keda.sh/scaledobject_v1alpha1.json'),
  'sources.knative.dev/v1beta1/KafkaSource': path.join(localSchemas, 'kafkasource.json'),
  'eventing.knative.dev/v1alpha1/KafkaSink': path.join(localSchemas, 'kafkasink.json'),
};
/** Core kinds: no CRD schema, checked for shape only. */
const CORE_KINDS = new Set([
  'v1/Namespace',
  'v1/ConfigMap',
  'v1/Secret',
  'v1/ServiceAccount',
  'apps/v1/Deployment',
  'networking.k8s.io/v1/NetworkPolicy',
]);

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;
const validators = new Map<string, ValidateFunction>();
let committed: Map<string, string>;
let generated: Map<string, string>;

beforeAll(async () => {
  // The CRD schemas carry Kubernetes keywords (x-kubernetes-*); non-strict mode ignores them.
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  for (const [kind, file] of Object.entries(SCHEMA_FILES)) {
    validators.set(kind, ajv.compile(JSON.parse(await readFile(file, 'utf8')) as object));
  }
  generated = await generateKnativeFiles(DEFAULT_KNATIVE_SETTINGS);
  committed = new Map();
  for (const sub of ['', 'keda']) {
    for (const entry of await readdir(path.join(KNATIVE_DIR, sub))) {
      if (entry.endsWith('.yaml'))
        committed.set(sub ? `${sub}/${entry}` : entry, await readFile(path.join(KNATIVE_DIR, sub, entry), 'utf8'));
    }
  }
});

function objectsOf(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

function errorsOf(object: K8sObject): string[] {
  const kind = `${object.apiVersion}/${object.kind}`;
  if (CORE_KINDS.has(kind)) return object.metadata?.name ? [] : [`${kind} has no metadata.name`];
  const validate = validators.get(kind);
  if (!validate) return [`no schema for ${kind}`];
  const name = object.metadata?.name ?? '?';
  return validate(object)
    ? []
    : (validate.errors ?? []).map((e) => `${kind} ${name}: ${e.instancePath} ${e.message ?? ''}`);
}

const allObjects = (): K8sObject[] =>
  [...committed].filter(([file]) => !file.endsWith('kustomization.yaml')).flatMap(([, text]) => objectsOf(text));
const byKind = (kind: string): K8sObject => {
  const found = allObjects().find((o) => o.kind === kind);
  if (!found) throw new Error(`no ${kind} in knative/`);
  return structuredClone(found);
};

describe('knative/ manifests', () => {
  it('equal a fresh generation from functions/ (run npm run generate:knative after changing a function)', () => {
    expect([...committed.keys()].sort()).toEqual([...generated.keys()].sort());
    for (const [file, text] of generated) expect(committed.get(file), file).toBe(text);
  });

  it('validate against the schemas of their kinds', () => {
    const objects = allObjects();
    expect(objects.flatMap(errorsOf)).toEqual([]);
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ['Service', 'KafkaSource', 'PingSource', 'KafkaSink', 'ScaledObject', 'Deployment', 'Secret'])
      expect(kinds).toContain(kind);
  });

  it('never put a secret in a literal env value, and the Secret template holds placeholders only', () => {
    for (const object of allObjects()) {
      const template = (
        object['spec'] as { template?: { spec?: { containers?: { env?: Record<string, unknown>[] }[] } } } | undefined
      )?.template;
      for (const container of template?.spec?.containers ?? [])
        expect(literalViolations(container.env ?? [])).toEqual([]);
      if (object.kind === 'Secret')
        expect(new Set(Object.values(object['stringData'] as Record<string, string>))).toEqual(new Set(['REPLACE_ME']));
    }
    for (const dir of ['', 'keda/']) {
      const [kustomization] = objectsOf(committed.get(`${dir}kustomization.yaml`) ?? '');
      const resources = (kustomization?.['resources'] ?? []) as string[];
      expect(resources).not.toContain('secret.template.yaml');
      for (const file of resources) expect(committed.has(`${dir}${file}`), `${dir}${file}`).toBe(true);
    }
  });

  it('the validation catches a wrong field or a wrong type (mutated copies)', () => {
    const source = byKind('KafkaSource');
    (source['spec'] as Record<string, unknown>)['topic'] = 'orders';
    expect(errorsOf(source).join()).toMatch(/additional/);
    const retry = byKind('KafkaSource');
    ((retry['spec'] as Record<string, Record<string, unknown>>)['delivery'] as Record<string, unknown>)['retry'] = '4';
    expect(errorsOf(retry).join()).toMatch(/integer/);
    const delay = byKind('KafkaSource');
    ((delay['spec'] as Record<string, Record<string, unknown>>)['delivery'] as Record<string, unknown>)[
      'backoffDelay'
    ] = '200ms';
    expect(errorsOf(delay).join()).toMatch(/pattern/);
    const service = byKind('Service');
    const container = (service['spec'] as { template: { spec: { containers: Record<string, unknown>[] } } }).template
      .spec.containers[0];
    if (container) container['imagee'] = 'typo';
    expect(errorsOf(service).join()).toMatch(/additional/);
    const ping = byKind('PingSource');
    (ping['spec'] as Record<string, unknown>)['schedule'] = 5;
    expect(errorsOf(ping).join()).toMatch(/string/);
    const sink = byKind('KafkaSink');
    delete (sink['spec'] as Record<string, unknown>)['topic'];
    expect(errorsOf(sink).join()).toMatch(/topic/);
  });
});
