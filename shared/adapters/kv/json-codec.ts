/**
 * JSON encoding for KV values: what goes into Redis is exactly `JSON.stringify(value)`, so any
 * client reading the key sees plain JSON, and strings that look like numbers stay strings.
 */

/**
 * Serializes a value, refusing what JSON cannot represent instead of storing "undefined".
 * @example encodeJson({ a: 1 }) // '{"a":1}'
 */
export function encodeJson(value: unknown, what = 'value'): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new TypeError(`KvStore ${what} must be JSON-serializable: ${detail}`);
  }
  if (text === undefined) {
    throw new TypeError(`KvStore ${what} must be JSON-serializable, got ${typeof value}`);
  }
  return text;
}

/**
 * Parses a stored value; text that is not JSON (written by another client) comes back as is.
 * @example decodeJson('{"a":1}') // { a: 1 }
 */
export function decodeJson<T>(text: string | null | undefined): T | null {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return text as T;
  }
}
