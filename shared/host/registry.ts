import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyFunction } from '../core/index.ts';

/** The repo's functions/ folder. */
export const FUNCTIONS_DIR = path.resolve(import.meta.dirname, '../../functions');

/**
 * Loads every function module `functions/<name>/index.ts` (its default export, or every exported
 * defined function), optionally only those named in `only`. Throws on duplicate names or unknown names.
 * @example const fns = await loadFunctions(FUNCTIONS_DIR, ['order-ledger'])
 */
export async function loadFunctions(dir: string = FUNCTIONS_DIR, only?: readonly string[]): Promise<AnyFunction[]> {
  const found = new Map<string, AnyFunction>();
  for (const entry of (await readdir(dir)).sort()) {
    const file = path.join(dir, entry, 'index.ts');
    if (!(await isFile(file))) continue;
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const value of Object.values(mod)) {
      if (!isHearthFunction(value)) continue;
      const existing = found.get(value.name);
      if (existing && existing !== value) throw new Error(`two functions are named "${value.name}" (in ${dir})`);
      found.set(value.name, value);
    }
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
