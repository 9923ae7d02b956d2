/**
 * Argument checks for the KV adapter, so a bad TTL or length fails here with a clear message
 * instead of as a Redis syntax error.
 */

/**
 * Requires a positive whole number of milliseconds.
 * @example checkTtlMs(1500, 'set') // 1500
 */
export function checkTtlMs(ttlMs: number, method: string): number {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`KvStore.${method}: ttlMs must be a positive integer of milliseconds, got ${String(ttlMs)}`);
  }
  return ttlMs;
}

/**
 * Requires a safe integer (Redis counters are 64-bit integers).
 * @example checkInteger(-2, 'incrBy', 'by') // -2
 */
export function checkInteger(value: number, method: string, name: string): number {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`KvStore.${method}: ${name} must be a safe integer, got ${String(value)}`);
  }
  return value;
}

/**
 * Requires a positive safe integer.
 * @example checkPositiveInteger(100, 'listPush', 'maxLength') // 100
 */
export function checkPositiveInteger(value: number, method: string, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`KvStore.${method}: ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/**
 * Requires a non-empty key.
 * @example checkKey('sessions:42', 'get') // 'sessions:42'
 */
export function checkKey(key: string, method: string): string {
  if (typeof key !== 'string' || key === '') {
    throw new TypeError(`KvStore.${method}: key must be a non-empty string, got ${JSON.stringify(key)}`);
  }
  return key;
}
