import { errors } from '@upstash/redis';
import { DependencyUnavailableError } from '../../core/errors.ts';

/**
 * Redis error codes that mean "not now" rather than "wrong command": loading its data set, busy with a
 * script, its primary or cluster down, or asking to retry. The REST server answers TRYAGAIN when it
 * cannot reach Redis.
 */
const UNAVAILABLE_CODES = new Set(['LOADING', 'BUSY', 'MASTERDOWN', 'CLUSTERDOWN', 'TRYAGAIN']);

/**
 * The error a KV call should throw: a DependencyUnavailableError('kv') when the REST endpoint cannot
 * be reached or cannot reach Redis (so work pauses instead of failing), else the error as it is.
 * @example throw kvFailure(error)
 */
export function kvFailure(error: unknown): Error {
  if (error instanceof DependencyUnavailableError) return error;
  // A body that is not the REST API's JSON: a proxy or gateway answering for an endpoint that is down.
  if (error instanceof errors.UpstashJSONParseError) return unavailable(error);
  if (error instanceof errors.UpstashError) {
    const code = /^([A-Z]+)\b/.exec(error.message)?.[1];
    return code && UNAVAILABLE_CODES.has(code) ? unavailable(error) : error;
  }
  // fetch failed (refused, reset, DNS, timeout): the endpoint is unreachable. Argument mistakes are
  // TypeErrors too, but without a network cause.
  if (isNetworkFailure(error)) return unavailable(error as Error);
  return error instanceof Error ? error : new Error(String(error));
}

function isNetworkFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return true;
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return error instanceof TypeError && typeof code === 'string' && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(code);
}

/**
 * The store with every call's failure passed through {@link kvFailure}.
 * @example return guardKv(this)
 */
export function guardKv<S extends object>(store: S): S {
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          return result instanceof Promise
            ? result.catch((error: unknown) => {
                throw kvFailure(error);
              })
            : result;
        } catch (error) {
          throw kvFailure(error);
        }
      };
    },
  });
}

function unavailable(error: Error): DependencyUnavailableError {
  const cause = (error as { cause?: unknown }).cause;
  const detail = cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  return new DependencyUnavailableError('kv', detail, { cause: error });
}
