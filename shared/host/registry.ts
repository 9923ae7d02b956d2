import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyFunction } from '../core/index.ts';

/**
 * Where functions live by default: the repo's functions/ (dist/functions/ when the host runs built),
 * or, when Hearth runs as an installed package (under node_modules), the user's `./functions`.
 */
export const FUNCTIONS_DIR = import.meta.dirname.split(path.sep).includes('node_modules')
  ? path.resolve(process.cwd(), 'functions')
  : path.resolve(import.meta.dirname, '../../functions');

/**
 * A function module is `index.ts` beside the sources and `index.js` in a built host (scripts/build.ts);
 * the host's own kind first, so a built host with a folder of TypeScript functions loads those too.
 */
const INDEXES = import.meta.filename.endsWith('.js') ? ['index.js', 'index.ts'] : ['index.ts', 'index.js'];

/**
 * Loads every function module `functions/<name>/index.ts` (its default export, or every exported
 * defined function), optionally only those named in `only`: then the folders of those names are loaded
 * first, and the others only when a name is not found there (a module may export several functions).
 * Throws on duplicate names or unknown names.
 * @example const fns = await loadFunctions(FUNCTIONS_DIR, ['order-ledger'])
 */
export async function loadFunctions(dir: string = FUNCTIONS_DIR, only?: readonly string[]): Promise<AnyFunction[]> {
  const found = new Map<string, AnyFunction>();
  const entries = (await readdir(dir)).sort();
  const named = only && only.length > 0 ? entries.filter((entry) => only.includes(entry)) : [];
  for (const entry of named) await loadModule(dir, entry, found);
  if (named.length === 0 || only?.some((name) => !found.has(name))) {
    for (const entry of entries) if (!named.includes(entry)) await loadModule(dir, entry, found);
  }
  if (only && only.length > 0) {
    const missing = only.filter((name) => !found.has(name));
    if (missing.length > 0) {
      throw new Error(`unknown function(s): ${missing.join(', ')}; known: ${[...found.keys()].join(', ') || '(none)'}`);
    }
    return only.map((name) => found.get(name) as AnyFunction);
  }
  return [...found.values()];
}

/** Imports `dir/entry/index.*` when it exists and adds the functions it exports to `found`. */
async function loadModule(dir: string, entry: string, found: Map<string, AnyFunction>): Promise<void> {
  let file: string | undefined;
  for (const index of INDEXES)
    if (!file && (await isFile(path.join(dir, entry, index)))) file = path.join(dir, entry, index);
  if (!file) return;
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  for (const value of Object.values(mod)) {
    if (!isHearthFunction(value)) continue;
    const existing = found.get(value.name);
    if (existing && existing !== value) throw new Error(`two functions are named "${value.name}" (in ${dir})`);
    found.set(value.name, value);
  }
}

function isHearthFunction(value: unknown): value is AnyFunction {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<AnyFunction>;
  return typeof v.name === 'string' && typeof v.handler === 'function' && typeof v.trigger === 'object';
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
