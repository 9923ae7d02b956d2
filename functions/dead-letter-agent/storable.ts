/**
 * What PostgreSQL and CockroachDB text and jsonb cannot hold, made storable: NUL, lone surrogates and
 * bytes that are not UTF-8. Dead letters are often exactly such input, and must be filed all the same.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as text when text can hold it (UTF-8 without NUL), else null (its bytes are kept apart).
 * @example textOrNull(Buffer.from('{"a":1}')) // '{"a":1}'
 */
export function textOrNull(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return null;
  }
  return text.includes('\u0000') ? null : text;
}

/**
 * A diagnostic string safe for a text column: NUL written as `\0`, lone surrogates as U+FFFD.
 * @example printable('a\u0000b') // 'a\\0b'
 */
export function printable(text: string): string {
  return text.replaceAll('\u0000', '\\0').toWellFormed();
}

/**
 * Headers as jsonb when jsonb can hold them, else null (the JSON text is kept apart, losslessly).
 * @example jsonbOrNull(JSON.stringify({ a: 'b' })) // '{"a":"b"}'
 */
export function jsonbOrNull(json: string): string | null {
  return /\\u0000|\\ud[89a-f][0-9a-f]{2}/i.test(json) ? null : json;
}
