/**
 * Pure reply encoding for the Upstash REST protocol: Redis replies (as ioredis hands them over with
 * `callBuffer` and `stringNumbers`) become the JSON Upstash documents.
 */

/** One command argument as sent to Redis; Buffers keep binary bodies intact. */
export type RedisArg = string | Buffer;

/**
 * A Redis reply as read with `callBuffer` + `stringNumbers`: bulk and status strings are Buffers,
 * integers are decimal strings (so 64-bit values survive), nil is null, nested errors are Errors.
 */
export type RedisReply = Buffer | string | number | null | Error | RedisReply[];

/** The outcome of one command inside a pipeline or transaction. */
export type CommandOutcome = { reply: RedisReply } | { error: string };

/**
 * A JSON-ready value; `unknown` because integers beyond 2^53 are `JSON.rawJSON` values, which
 * `JSON.stringify` writes as exact numbers.
 */
export type EncodedValue = unknown;

// `JSON.rawJSON` exists in Node >= 21 but not yet in TypeScript's ES2024 lib.
const json = JSON as unknown as { rawJSON(text: string): unknown };

const INTEGER = /^-?\d+$/;

/**
 * Encodes one reply. With `base64`, every string is base64 of its raw bytes except a top-level
 * "OK", which the client (and Upstash's docs) leave as is.
 * @example encodeReply(Buffer.from('bar'), true) // 'YmFy'
 */
export function encodeReply(reply: RedisReply, base64: boolean, topLevel = true): EncodedValue {
  if (reply === null || reply === undefined) return null;
  if (typeof reply === 'number') return reply;
  if (typeof reply === 'string') return encodeInteger(reply);
  if (Buffer.isBuffer(reply)) return encodeBytes(reply, base64, topLevel);
  if (reply instanceof Error) return encodeBytes(Buffer.from(reply.message, 'utf8'), base64, false);
  return reply.map((item) => encodeReply(item, base64, false));
}

/**
 * Encodes a pipeline or transaction entry as `{result}` or `{error}`; errors are never base64.
 * @example encodeOutcome({ reply: '3' }, false) // { result: 3 }
 */
export function encodeOutcome(outcome: CommandOutcome, base64: boolean): { result: EncodedValue } | { error: string } {
  return 'error' in outcome ? { error: outcome.error } : { result: encodeReply(outcome.reply, base64) };
}

function encodeBytes(bytes: Buffer, base64: boolean, topLevel: boolean): string {
  if (!base64) return bytes.toString('utf8'); // invalid UTF-8 becomes U+FFFD, as Upstash documents
  if (topLevel && bytes.length === 2 && bytes.toString('latin1') === 'OK') return 'OK';
  return bytes.toString('base64');
}

// stringNumbers hands integers over as text; keep them numbers in JSON without losing precision.
function encodeInteger(text: string): EncodedValue {
  if (!INTEGER.test(text)) return text;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : json.rawJSON(text);
}
