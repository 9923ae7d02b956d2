/**
 * Writes the Dapr resources of every function to dapr/: dapr/kubernetes/ (any cluster with Dapr
 * installed, secrets from the hearth-secrets Secret) and dapr/self-hosted/ (daprd beside the local
 * services, secrets from daprd's environment), deterministically, so they can be committed and checked.
 *
 *   node infra/generate-dapr.ts            write
 *   node infra/generate-dapr.ts --check    exit 1 if the committed files differ
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FUNCTIONS_DIR, loadFunctions } from '../shared/host/registry.ts';
import { DAPR_GENERATED_HEADER, renderDaprFiles } from './dapr/render.ts';
import { buildDaprResources } from './dapr/resources.ts';
import { KUBERNETES_DAPR_SETTINGS, SELF_HOSTED_DAPR_SETTINGS } from './dapr/settings.ts';

/** The repo's dapr/ folder. */
export const DAPR_DIR = path.resolve(import.meta.dirname, '../dapr');

const FLAVORS = { kubernetes: KUBERNETES_DAPR_SETTINGS, 'self-hosted': SELF_HOSTED_DAPR_SETTINGS } as const;

/**
 * Every generated file keyed by its path relative to dapr/ (e.g. "self-hosted/components.yaml").
 * @example const files = await generateDaprFiles()
 */
export async function generateDaprFiles(functionsDir: string = FUNCTIONS_DIR): Promise<Map<string, string>> {
  const functions = await loadFunctions(functionsDir);
  const files = new Map<string, string>();
  for (const [flavor, settings] of Object.entries(FLAVORS)) {
    for (const [name, text] of renderDaprFiles(buildDaprResources(functions, settings)))
      files.set(`${flavor}/${name}`, text);
  }
  return files;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { check: { type: 'boolean', default: false }, out: { type: 'string', default: DAPR_DIR } },
  });
  const out = path.resolve(values.out);
  const files = await generateDaprFiles();
  const stale = (await generatedFiles(out)).filter((file) => !files.has(file));
  const changed: string[] = [];
  for (const [file, text] of files) {
    if ((await readFile(path.join(out, file), 'utf8').catch(() => undefined)) !== text) changed.push(file);
  }
  if (values.check) {
    if (changed.length + stale.length === 0) return 0;
    process.stderr.write(
      `dapr resources are out of date (${[...changed, ...stale].join(', ')}); run npm run dapr:generate\n`,
    );
    return 1;
  }
  for (const file of changed) {
    await mkdir(path.dirname(path.join(out, file)), { recursive: true });
    await writeFile(path.join(out, file), files.get(file) as string);
  }
  for (const file of stale) await rm(path.join(out, file));
  process.stdout.write(
    `dapr resources: ${files.size} files in ${path.relative(process.cwd(), out) || '.'}, ${changed.length} written, ${stale.length} removed\n`,
  );
  return 0;
}

/** YAML files under `dir` that this generator wrote earlier. */
async function generatedFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  const found: string[] = [];
  for (const rel of entries) {
    if (!rel.endsWith('.yaml')) continue;
    const text = await readFile(path.join(dir, rel), 'utf8').catch(() => '');
    if (text.startsWith(DAPR_GENERATED_HEADER)) found.push(rel.split(path.sep).join('/'));
  }
  return found;
}

// Run only as a script, so tests can import generateDaprFiles.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`generate-dapr: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
