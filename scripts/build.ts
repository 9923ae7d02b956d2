/**
 * `npm run build`: the host as plain JavaScript in dist/ (what the container image runs). Node 24 runs
 * the TypeScript sources as they are, but a process that loads them carries the type stripper and
 * strips every module at start-up; the built host starts faster and is smaller in memory. tsc emits
 * shared/ and functions/ (relative `.ts` imports rewritten to `.js`); the files that are not code
 * (SQL migrations, JSON, host.json) are copied beside them. Declarations (`.d.ts`) are emitted for
 * the installed package (`exports` in package.json); tsc keeps their relative `.ts` specifiers, which
 * are rewritten to `.js` so a user's TypeScript resolves them to the `.d.ts` beside each module.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'dist');
rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});

function copyAssets(dir: string): number {
  let copied = 0;
  for (const entry of readdirSync(path.join(root, dir))) {
    const rel = path.join(dir, entry);
    if (statSync(path.join(root, rel)).isDirectory()) copied += copyAssets(rel);
    else if (!entry.endsWith('.ts') && !entry.endsWith('.md')) {
      cpSync(path.join(root, rel), path.join(out, rel));
      copied += 1;
    }
  }
  return copied;
}
/** `from './x.ts'` and `import('./x.ts')` in declarations become `./x.js`; returns the files changed. */
function rewriteDeclarations(dir: string): number {
  let changed = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) changed += rewriteDeclarations(file);
    else if (entry.name.endsWith('.d.ts')) {
      const text = readFileSync(file, 'utf8');
      const next = text.replace(/((?:from |import\()\s*['"])(\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1$2.js$3');
      if (next !== text) {
        writeFileSync(file, next);
        changed += 1;
      }
    }
  }
  return changed;
}
const assets = copyAssets('shared') + copyAssets('functions');
const declarations = rewriteDeclarations(out);
process.stdout.write(`built dist/ (${assets} non-code files copied, ${declarations} declaration files rewritten)\n`);
