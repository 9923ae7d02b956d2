import type { InvokeDeps } from '../../core/index.ts';
import type { AzureFunctionsOptions } from './types.ts';

/**
 * Resolves the `deps` option once: a plain object as is, a factory on first use (memoized; a failed
 * attempt is forgotten so the next invocation tries again).
 * @example const depsOf = lazyDeps(options.deps); const deps = await depsOf()
 */
export function lazyDeps(deps: AzureFunctionsOptions['deps']): () => Promise<InvokeDeps> {
  if (typeof deps !== 'function') return () => Promise.resolve(deps);
  let pending: Promise<InvokeDeps> | undefined;
  return () => {
    pending ??= deps().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
