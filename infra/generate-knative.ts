/**
 * Writes the Knative manifests of every function to knative/ (and the plain-Deployment + KEDA
 * alternative to knative/keda/), deterministically, so they can be committed and drift-checked.
 *
 *   node infra/generate-knative.ts                 write with the default settings
 *   node infra/generate-knative.ts --check         exit 1 if the committed files differ
 *   node infra/generate-knative.ts --image ghcr.io/acme/hearth:1.2.3 --namespace prod --kafka k1:9092,k2:9092
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
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
  const stale = (await generatedFiles(out)).filter((file) => !files.has(file));
  const changed: string[] = [];
  for (const [file, text] of files) {
    const existing = await readFile(path.join(out, file), 'utf8').catch(() => undefined);
    if (existing !== text) changed.push(file);
  }
  if (values.check) {
    if (changed.length + stale.length === 0) return 0;
    process.stderr.write(
      `knative manifests are out of date (${[...changed, ...stale].join(', ')}); run npm run generate:knative\n`,
    );
    return 1;
  }
  for (const file of changed) {
    await mkdir(path.dirname(path.join(out, file)), { recursive: true });
    await writeFile(path.join(out, file), files.get(file) as string);
  }
  for (const file of stale) await rm(path.join(out, file));
  process.stdout.write(
    `knative manifests: ${files.size} files in ${path.relative(process.cwd(), out) || '.'}, ${changed.length} written, ${stale.length} removed\n`,
  );
  return 0;
}

/** Files under `dir` (and dir/keda) that this generator wrote earlier. */
async function generatedFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const sub of ['', 'keda']) {
    const entries = await readdir(path.join(dir, sub)).catch(() => [] as string[]);
    for (const entry of entries) {
      if (!entry.endsWith('.yaml')) continue;
      const rel = sub ? `${sub}/${entry}` : entry;
      const text = await readFile(path.join(dir, rel), 'utf8').catch(() => '');
      if (text.startsWith(GENERATED_HEADER)) found.push(rel);
    }
  }
  return found;
}

// Run only as a script, so tests can import generateKnativeFiles.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`generate-knative: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
