import type { AnyFunction } from '../../core/index.ts';

/** Which function a request is for, or why none is. */
export type RouteMatch =
  | { kind: 'function'; fn: AnyFunction }
  | { kind: 'unknown'; name: string }
  | { kind: 'ambiguous' }
  | { kind: 'not-ours' };

const FUNCTION_PATH = /^\/functions\/([^/]+)\/?$/;

/**
 * Resolves `/` to the single served function (or `defaultFunction`) and `/functions/<name>` to that one.
 * @example matchRoute('/functions/order-ledger', byName, undefined)
 */
export function matchRoute(pathname: string, byName: ReadonlyMap<string, AnyFunction>, defaultFunction: string | undefined): RouteMatch {
  if (pathname === '/') {
    const name = defaultFunction ?? (byName.size === 1 ? [...byName.keys()][0] : undefined);
    if (name === undefined) return { kind: 'ambiguous' };
    const fn = byName.get(name);
    return fn ? { kind: 'function', fn } : { kind: 'unknown', name };
  }
  const match = FUNCTION_PATH.exec(pathname);
  if (!match) return { kind: 'not-ours' };
  let name: string;
  try {
    name = decodeURIComponent(match[1] as string);
  } catch {
    return { kind: 'unknown', name: match[1] as string };
  }
  const fn = byName.get(name);
  return fn ? { kind: 'function', fn } : { kind: 'unknown', name };
}
