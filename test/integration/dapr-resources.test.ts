// The committed dapr/ resources equal a fresh generation, every one validates against its dapr.io schema
// (test/schemas), and the self-hosted set loads in a REAL daprd without errors
// (components, resiliency policies and the declarative subscriptions).
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAPR_DIR, generateDaprFiles } from '../../infra/generate-dapr.ts';
import type { DaprResource } from '../../infra/dapr/types.ts';
import { createTestSchema, TEST_DATABASE_URL, type TestSchema } from '../support/pg.ts';
import { errorLines, startDaprd, type Daprd } from './dapr-harness.ts';
import { SCHEMAS_DIR } from '../support/schemas.ts';

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
const committed = new Map<string, string>();
let generated: Map<string, string>;

beforeAll(async () => {
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  for (const [kind, file] of Object.entries(FILES))
    validators.set(kind, ajv.compile(JSON.parse(await readFile(path.join(schemas, file), 'utf8')) as object));
  generated = await generateDaprFiles();
  for (const rel of await readdir(DAPR_DIR, { recursive: true })) {
    if (rel.endsWith('.yaml'))
      committed.set(rel.split(path.sep).join('/'), await readFile(path.join(DAPR_DIR, rel), 'utf8'));
  }
});

function resourcesOf(text: string): DaprResource[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as DaprResource | null)
    .filter((r): r is DaprResource => r !== null);
}

describe('committed dapr/ resources', () => {
  it('equal a fresh generation (run `npm run dapr:generate` after changing functions)', () => {
    expect([...committed.keys()].sort()).toEqual([...generated.keys()].sort());
    for (const [file, text] of generated) expect(committed.get(file), file).toBe(text);
  });

  it('validate against the dapr.io schemas', () => {
    const errors: string[] = [];
    for (const [file, text] of committed) {
      for (const r of resourcesOf(text)) {
        const validate = validators.get(`${r.apiVersion}/${r.kind}`);
        const where = `${file} ${r.metadata.name}`;
        if (!validate) errors.push(`${where}: no schema for ${r.apiVersion}/${r.kind}`);
        else if (!validate(r))
          errors.push(...(validate.errors ?? []).map((e) => `${where}: ${e.instancePath} ${e.message ?? ''}`));
      }
    }
    expect(errors).toEqual([]);
    expect(committed.size).toBeGreaterThan(0);
  });
});

describe('the self-hosted set in a real daprd', () => {
  let app: Server;
  let schema: TestSchema;
  const sidecars: Daprd[] = [];

  beforeAll(async () => {
    schema = await createTestSchema('dapr_load');
    // A stub app: no programmatic subscriptions (the declarative ones are loaded) and 200 to any delivery.
    app = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(req.url === '/dapr/subscribe' ? '[]' : '{}');
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    for (const daprd of sidecars) await daprd.stop();
    await new Promise<void>((resolve) => app?.close(() => resolve()));
    await schema?.drop();
  });

  /** App ids to load the set as: one Kafka function (pub/sub + subscription) and one cron function (binding). */
  function appIds(): { kafka: string | undefined; cron: string | undefined } {
    const all = [...committed].filter(([f]) => f.startsWith('self-hosted/')).flatMap(([, text]) => resourcesOf(text));
    const scopeOf = (r: DaprResource | undefined): string | undefined => (r?.['scopes'] as string[] | undefined)?.[0];
    return {
      kafka: scopeOf(all.find((r) => r.kind === 'Subscription')),
      cron: scopeOf(
        all.find((r) => r.kind === 'Component' && (r['spec'] as { type: string }).type === 'bindings.cron'),
      ),
    };
  }

  it('loads every component, policy and subscription without errors', async () => {
    const ids = appIds();
    const port = (app.address() as AddressInfo).port;
    const databaseUrl = `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}search_path=${schema.name}`;
    const dirs = [path.join(DAPR_DIR, 'self-hosted'), path.join(DAPR_DIR, 'self-hosted/subscriptions')];
    const loaded: string[] = [];
    const subscribed: string[] = [];
    for (const id of [ids.kafka, ids.cron].filter((x): x is string => x !== undefined)) {
      const daprd = await startDaprd({
        appId: id,
        appPort: port,
        resourcesPath: dirs,
        env: { DATABASE_URL: databaseUrl },
      });
      sidecars.push(daprd);
      const meta = (await (await fetch(`http://127.0.0.1:${daprd.httpPort}/v1.0/metadata`)).json()) as {
        components: { name: string; type: string }[];
        subscriptions?: { topic: string; type?: string }[];
      };
      loaded.push(...meta.components.map((c) => c.type));
      subscribed.push(...(meta.subscriptions ?? []).map((sub) => `${sub.type ?? ''}:${sub.topic}`));
      expect(errorLines(daprd.logs()), id).toEqual([]);
    }
    expect(loaded).toEqual(
      expect.arrayContaining([
        'pubsub.kafka',
        'state.postgresql',
        'secretstores.local.env',
        ...(ids.cron ? ['bindings.cron'] : []),
      ]),
    );
    if (ids.kafka) expect(subscribed.some((s) => s.startsWith('DECLARATIVE:'))).toBe(true);
  }, 600_000);
});
