import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Brings a folder of generated YAML in line with `files` (relative path -> text): writes what changed
 * and removes files this generator wrote earlier (they start with `header`) that it no longer makes.
 * With `check`, writes nothing and reports drift instead. Returns the process exit code.
 * @example process.exitCode = await syncGenerated({ what: 'dapr resources', out, files, header, check, fix: 'npm run dapr:generate' })
 */
export async function syncGenerated(options: {
  what: string;
  out: string;
  files: ReadonlyMap<string, string>;
  header: string;
  check: boolean;
  fix: string;
}): Promise<number> {
  const { out, files } = options;
  const stale = (await generatedFiles(out, options.header)).filter((file) => !files.has(file));
  const changed: string[] = [];
  for (const [file, text] of files) {
    if ((await readFile(path.join(out, file), 'utf8').catch(() => undefined)) !== text) changed.push(file);
  }
  if (options.check) {
    if (changed.length + stale.length === 0) return 0;
    process.stderr.write(
      `${options.what} are out of date (${[...changed, ...stale].join(', ')}); run ${options.fix}\n`,
    );
    return 1;
  }
  for (const file of changed) {
    await mkdir(path.dirname(path.join(out, file)), { recursive: true });
    await writeFile(path.join(out, file), files.get(file) as string);
  }
  for (const file of stale) await rm(path.join(out, file));
  process.stdout.write(
    `${options.what}: ${files.size} files in ${path.relative(process.cwd(), out) || '.'}, ${changed.length} written, ${stale.length} removed\n`,
  );
  return 0;
}

/** YAML files below `dir` that start with `header` (written by a generator). */
async function generatedFiles(dir: string, header: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[]);
  const found: string[] = [];
  for (const rel of entries) {
    if (!rel.endsWith('.yaml')) continue;
    const text = await readFile(path.join(dir, rel), 'utf8').catch(() => '');
    if (text.startsWith(header)) found.push(rel.split(path.sep).join('/'));
  }
  return found;
}

/**
 * Runs `main` when `moduleUrl` is the script node was started with (so tests can import the module).
 * @example runAsScript(import.meta.url, 'generate-dapr', main)
 */
export function runAsScript(moduleUrl: string, name: string, main: () => Promise<number>): void {
  if (process.argv[1] === undefined || path.resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${name}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
