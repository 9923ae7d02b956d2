/**
 * `npm run build`: the host as plain JavaScript in dist/ (what the container image runs). Node 24 runs
 * the TypeScript sources as they are, but a process that loads them carries the type stripper and
 * strips every module at start-up; the built host starts faster and is smaller in memory. tsc emits
 * shared/ and functions/ (relative `.ts` imports rewritten to `.js`); the files that are not code
 * (SQL migrations, JSON, host.json) are copied beside them.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
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
const assets = copyAssets('shared') + copyAssets('functions');
process.stdout.write(`built dist/ (${assets} non-code files copied)\n`);
