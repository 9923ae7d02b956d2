/**
 * Writes the Knative manifests of every function to knative/ (and the plain-Deployment + KEDA
 * alternative to knative/keda/), deterministically, so they can be committed and drift-checked.
 *
 *   node infra/generate-knative.ts                 write with the default settings
 *   node infra/generate-knative.ts --check         exit 1 if the committed files differ
 *   node infra/generate-knative.ts --image ghcr.io/acme/hearth:1.2.3 --namespace prod --kafka k1:9092,k2:9092
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runAsScript, syncGenerated } from './sync-generated.ts';
import { FUNCTIONS_DIR, loadFunctions } from '../shared/host/registry.ts';
import { buildKnativeManifests } from './knative/manifests.ts';
import { GENERATED_HEADER, renderManifestFiles } from './knative/render.ts';
import { DEFAULT_KNATIVE_SETTINGS, type KnativeSettings } from './knative/settings.ts';

/** The repo's knative/ folder. */
export const KNATIVE_DIR = path.resolve(import.meta.dirname, '../knative');

/**
 * Every generated file keyed by its path relative to knative/ (e.g. "usage-recorder.yaml", "keda/config.yaml").
 * @example const files = await generateKnativeFiles(DEFAULT_KNATIVE_SETTINGS)
 */
export async function generateKnativeFiles(
  settings: KnativeSettings,
  functionsDir: string = FUNCTIONS_DIR,
): Promise<Map<string, string>> {
  const functions = await loadFunctions(functionsDir);
  const files = new Map<string, string>();
  for (const [name, text] of renderManifestFiles(buildKnativeManifests(functions, settings))) files.set(name, text);
  for (const [name, text] of renderManifestFiles(buildKnativeManifests(functions, { ...settings, keda: true }))) {
    files.set(`keda/${name}`, text);
  }
  return files;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      check: { type: 'boolean', default: false },
      out: { type: 'string', default: KNATIVE_DIR },
      image: { type: 'string' },
      namespace: { type: 'string' },
      kafka: { type: 'string' },
    },
  });
  const settings: KnativeSettings = {
    ...DEFAULT_KNATIVE_SETTINGS,
    ...(values.image ? { image: values.image } : {}),
    ...(values.namespace ? { namespace: values.namespace } : {}),
    ...(values.kafka ? { kafkaBootstrapServers: values.kafka.split(',').map((s) => s.trim()) } : {}),
  };
  const out = path.resolve(values.out);
  const files = await generateKnativeFiles(settings);
  return syncGenerated({
    what: 'knative manifests',
    out,
    files,
    header: GENERATED_HEADER,
    check: values.check,
    fix: 'npm run manifests',
  });
}

// Run only as a script, so tests can import the generator.
runAsScript(import.meta.url, 'generate-knative', main);
