/**
 * Turns what Dapr delivers for a Kafka record into the core's Envelope. Dapr's pubsub.kafka passes the
 * record's coordinates and headers as metadata (components-contrib common/component/kafka/consumer.go
 * GetEventMetadata: `__topic`, `__partition`, `__offset`, `__key`, `__timestamp` and every record
 * header), sent to the app as HTTP headers (single delivery) or per-entry `metadata` (bulk).
 */
import type { AnyFunction, Envelope } from '../../core/index.ts';
import { InvalidCloudEventError, readCloudEvent, type ReceivedCloudEvent } from '../knative/index.ts';

/** CloudEvent type and source Dapr gives a record it wraps itself (rawPayload, pubsub/envelope.go FromRawPayload). */
export const DAPR_RAW_TYPE = 'com.dapr.event.sent';
export const DAPR_RAW_SOURCE = 'Dapr';

/** Record headers kept on the envelope: CloudEvents Kafka-binding attributes, trace context, Hearth's own. */
const KEPT_HEADER = /^(ce_|hearth-)|^(traceparent|tracestate)$/;

/**
 * Builds the envelope of a Kafka function for one Dapr delivery. The event id is, in order: the
 * record's `ce_id` header (Hearth's emits and replays carry one); the CloudEvent id when the record was
 * itself a structured CloudEvent; else none, so the core uses `topic/partition/offset` — the id the
 * local Kafka host gives the same record. The id Dapr invents for a raw record is a fresh random UUID
 * on every delivery (FromRawPayload), so it must never be the ledger key: a redelivery would run twice.
 * Dapr owns redelivery, so `attempt` is always 1 (its resiliency policy spends the retry budget).
 * @example const envelope = daprEventToEnvelope(fn, event, { __topic: 'orders', __partition: '0', __offset: '7' })
 */
export function daprEventToEnvelope(
  fn: AnyFunction,
  event: ReceivedCloudEvent,
  metadata: Readonly<Record<string, string>>,
): Envelope {
  if (fn.trigger.kind !== 'kafka') {
    throw new InvalidCloudEventError(
      `function "${fn.name}" is not Kafka-triggered; Dapr pub/sub events go to Kafka functions only`,
    );
  }
  const raw = isDaprWrapped(event);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) if (KEPT_HEADER.test(name)) headers[name] = value;
  const traceparent = event.attributes['traceparent'];
  if (traceparent !== undefined && headers['traceparent'] === undefined) headers['traceparent'] = traceparent;
  if (!raw) {
    // A structured CloudEvent record: its attributes are the event's, in the Kafka binding's header names.
    for (const name of ['specversion', 'type', 'source', 'subject', 'time'] as const) {
      const value = event.attributes[name];
      if (value !== undefined) headers[`ce_${name}`] ??= value;
    }
    headers['ce_id'] ??= event.id;
  }
  const contentType = raw ? metadata['content-type'] : event.attributes['datacontenttype'];
  if (contentType !== undefined) headers['content-type'] = contentType;
  const partition = metadata['__partition'];
  const offset = metadata['__offset'];
  const known = partition !== undefined && offset !== undefined && /^\d+$/.test(partition) && /^\d+$/.test(offset);
  const id = headers['ce_id'] ?? (known ? undefined : event.id);
  return {
    ...(id !== undefined ? { id } : {}),
    body: event.data,
    key: metadata['__key'] ?? null,
    headers,
    source: {
      kind: 'kafka',
      topic: metadata['__topic'] ?? event.attributes['topic'] ?? fn.trigger.topic,
      partition: known ? Number(partition) : -1,
      offset: known ? offset : '-1',
    },
    attempt: 1,
  };
}

/**
 * True when Dapr wrapped a raw record in a CloudEvent of its own (rawPayload subscriptions).
 * @example isDaprWrapped(event) // true for { type: 'com.dapr.event.sent', source: 'Dapr', data_base64 }
 */
export function isDaprWrapped(event: ReceivedCloudEvent): boolean {
  return (
    event.type === DAPR_RAW_TYPE &&
    event.source === DAPR_RAW_SOURCE &&
    event.attributes['datacontenttype'] === 'application/octet-stream'
  );
}

/**
 * The CloudEvent of one bulk entry: an object for a structured CloudEvent, a base64 string of the record
 * for rawPayload subscriptions (dapr pkg/runtime/subscription/bulksubscription.go).
 * @example bulkEntryEvent({ entryId: '1', event: 'eyJ9', contentType: 'application/octet-stream', metadata: {} }, 'orders')
 */
export function bulkEntryEvent(entry: BulkEntry, topic: string): ReceivedCloudEvent {
  if (typeof entry.event === 'string') {
    const data = Buffer.from(entry.event, 'base64');
    return {
      mode: 'structured',
      specversion: '1.0',
      id: entry.entryId,
      source: DAPR_RAW_SOURCE,
      type: DAPR_RAW_TYPE,
      attributes: {
        specversion: '1.0',
        id: entry.entryId,
        source: DAPR_RAW_SOURCE,
        type: DAPR_RAW_TYPE,
        datacontenttype: 'application/octet-stream',
        topic,
      },
      data: new Uint8Array(data),
    };
  }
  if (typeof entry.event !== 'object' || entry.event === null || Array.isArray(entry.event)) {
    throw new InvalidCloudEventError(
      `bulk entry "${entry.entryId}": "event" must be a CloudEvent object or a base64 string`,
    );
  }
  // Same parsing and checks as a structured-mode HTTP request (the Knative adapter's reader).
  return readCloudEvent(
    { 'content-type': 'application/cloudevents+json' },
    Buffer.from(JSON.stringify(entry.event), 'utf8'),
  );
}

/** One entry of a bulk delivery. */
export interface BulkEntry {
  entryId: string;
  event: unknown;
  contentType?: string;
  metadata?: Record<string, string>;
}
