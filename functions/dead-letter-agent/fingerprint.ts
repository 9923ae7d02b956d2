import { createHash } from 'node:crypto';

/**
 * An error message with its variable parts (ids, numbers, quoted values, timestamps) replaced, so the
 * same failure on different events reads the same.
 * @example normalizeMessage('order 42 not found (id "a1b2")') // 'order <n> not found (id <str>)'
 */
export function normalizeMessage(message: string): string {
  return message
    .replace(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?/g, '<time>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/"[^"]*"|'[^']*'/g, '<str>')
    .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, '<hex>')
    .replace(/\d+(\.\d+)?/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

/**
 * The identity of an error kind: function, error class and normalized message, hashed.
 * @example errorFingerprint('billing', 'TypeError', 'x is undefined') // '9f2c...' (32 hex chars)
 */
export function errorFingerprint(fnName: string, errorClass: string, normalized: string): string {
  return createHash('sha256').update(`${fnName}\u0000${errorClass}\u0000${normalized}`).digest('hex').slice(0, 32);
}
