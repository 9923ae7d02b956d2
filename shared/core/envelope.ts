import { PRINCIPAL_HEADER } from './http-auth.ts';
/** Where an event came from: a Kafka record, a cron tick or an HTTP request. */
export type EventSource =
  | { kind: 'kafka'; topic: string; partition: number; offset: string }
  | { kind: 'cron'; scheduledAt: Date }
  | { kind: 'http'; method: string; path: string; params?: Record<string, string> };

/**
 * What every platform adapter hands to the core: raw bytes plus coordinates. The Kafka consumer, the
 * Knative receiver, the Dapr callback and the Azure Functions trigger all build one of these.
 */
export interface Envelope {
  /** Explicit event id (a CloudEvents id) when the transport carries one. */
  id?: string;
  /** Raw payload; null when `data` is given or for cron ticks. */
  body: Uint8Array | null;
  /** Already-decoded payload (structured-mode CloudEvent data); skips JSON parsing when set. */
  data?: unknown;
  key: string | null;
  headers: Record<string, string>;
  source: EventSource;
  /** 1 for the first delivery attempt. */
  attempt: number;
}

/** Metadata the handler receives beside the validated event. */
export interface EventMeta {
  /** Stable id: the idempotency key of the ledger. */
  id: string;
  key: string | null;
  headers: Readonly<Record<string, string>>;
  source: EventSource;
  attempt: number;
  /** W3C trace context of the event, when it carried one. */
  traceparent: string | undefined;
}

/**
 * The stable event id: for HTTP the caller-scoped Idempotency-Key; else the CloudEvents id when present,
 * else topic/partition/offset, else the tick time.
 * @example eventIdOf(envelope) // "orders/3/1042"
 */
export function eventIdOf(envelope: Envelope): string {
  const source = envelope.source;
  if (source.kind === 'http') return envelope.id ?? httpEventId(envelope.headers);
  const explicit = envelope.id ?? envelope.headers['ce_id'] ?? envelope.headers['ce-id'];
  if (explicit) return explicit;
  switch (source.kind) {
    case 'kafka':
      return `${source.topic}/${source.partition}/${source.offset}`;
    case 'cron':
      return `cron@${source.scheduledAt.toISOString()}`;
  }
}

/**
 * An HTTP request's id: its Idempotency-Key, scoped to the authenticated caller so that one caller
 * cannot pre-empt another's request with the same key; a fresh id without a key.
 */
function httpEventId(headers: Readonly<Record<string, string>>): string {
  const key = headers['idempotency-key'];
  if (!key) return crypto.randomUUID();
  const principal = headers[PRINCIPAL_HEADER];
  return principal ? `${encodeURIComponent(principal)}|${key}` : key;
}

/**
 * What a handler sees of its event: id, key, headers, source, attempt and trace parent.
 * @example const meta = eventMetaOf(envelope, eventIdOf(envelope))
 */
export function eventMetaOf(envelope: Envelope, eventId: string): EventMeta {
  return {
    id: eventId,
    key: envelope.key,
    headers: envelope.headers,
    source: envelope.source,
    attempt: envelope.attempt,
    traceparent: envelope.headers['traceparent'],
  };
}
