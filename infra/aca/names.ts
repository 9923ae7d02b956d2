import type { AnyFunction } from '../../shared/core/index.ts';

/** Container App and Job names: 2-32 chars, lowercase letters, digits and "-", letter first. */
const ACA_NAME = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;

/**
 * The Container App (or Job) name of a function: its own name, which is also its Dapr app id and the
 * consumer group KEDA watches, so it is never suffixed; too long a name fails naming the function.
 * @example acaName(fn) // "order-ledger"
 */
export function acaName(fn: AnyFunction): string {
  if (!ACA_NAME.test(fn.name) || fn.name.includes('--')) {
    throw new TypeError(
      `function "${fn.name}": Container Apps names are at most 32 characters (lowercase letters, digits, single "-"); rename the function to deploy it to the aca target`,
    );
  }
  return fn.name;
}
