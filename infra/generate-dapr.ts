/**
 * Writes the Dapr resources of every function to dapr/: dapr/kubernetes/ (any cluster with Dapr
 * installed, secrets from the hearth-secrets Secret) and dapr/self-hosted/ (daprd beside the local
 * services, secrets from daprd's environment), deterministically, so they can be committed and checked.
 *
 *   node infra/generate-dapr.ts            write
 *   node infra/generate-dapr.ts --check    exit 1 if the committed files differ
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runAsScript, syncGenerated } from './sync-generated.ts';
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
  return syncGenerated({
    what: 'dapr resources',
    out,
    files,
    header: DAPR_GENERATED_HEADER,
    check: values.check,
    fix: 'npm run dapr:generate',
  });
}

// Run only as a script, so tests can import the generator.
runAsScript(import.meta.url, 'generate-dapr', main);
