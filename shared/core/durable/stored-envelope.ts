import type { Envelope } from '../envelope.ts';
import type { StoredEnvelope } from './types.ts';

/** Credentials never go to the store: a resumed execution runs without them. */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization', 'x-api-key', 'api-key']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * What the store keeps of an envelope so another replica can resume the execution: body (UTF-8, or
 * base64 when it is not text), key, headers without credentials, source.
 * @example const stored = storeEnvelope(envelope)
 */
export function storeEnvelope(envelope: Envelope): StoredEnvelope {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(envelope.headers)) {
    if (!SECRET_HEADERS.has(name.toLowerCase())) headers[name] = value;
  }
  let body: string | null = null;
  let bodyEncoding: 'base64' | undefined;
  if (envelope.body !== null) {
    try {
      body = utf8.decode(envelope.body);
      // PostgreSQL text cannot hold NUL; such bodies go as base64 too.
      if (body.includes('\u0000')) throw new Error('NUL');
    } catch {
      body = Buffer.from(envelope.body).toString('base64');
      bodyEncoding = 'base64';
    }
  }
  return {
    ...(envelope.id !== undefined ? { id: envelope.id } : {}),
    body,
    ...(bodyEncoding ? { bodyEncoding } : {}),
    ...(envelope.data !== undefined ? { data: envelope.data } : {}),
    key: envelope.key,
    headers,
    source: envelope.source,
  };
}

/**
 * The envelope of a stored execution, at the given attempt.
 * @example const envelope = restoreEnvelope(row.envelope, row.attempt)
 */
export function restoreEnvelope(stored: StoredEnvelope, attempt: number): Envelope {
  const source =
    stored.source.kind === 'cron'
      ? { kind: 'cron' as const, scheduledAt: new Date(stored.source.scheduledAt) }
      : stored.source;
  const body =
    stored.body === null
      ? null
      : stored.bodyEncoding === 'base64'
        ? new Uint8Array(Buffer.from(stored.body, 'base64'))
        : new TextEncoder().encode(stored.body);
  return {
    ...(stored.id !== undefined ? { id: stored.id } : {}),
    body,
    ...(stored.data !== undefined ? { data: stored.data } : {}),
    key: stored.key,
    headers: stored.headers,
    source,
    attempt,
  };
}
