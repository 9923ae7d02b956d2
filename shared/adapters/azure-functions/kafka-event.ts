/**
 * The record the Functions Kafka extension hands a `kafkaTrigger` with `cardinality: 'one'` and
 * `dataType: 'string'`: a JSON object (the Node worker parses the string) with PascalCase fields, the
 * value as text and each header value base64-encoded.
 */
import { BadInputError } from '../../core/errors.ts';
import type { Envelope } from '../../core/envelope.ts';

/** One Kafka record as the extension serializes it. */
export interface KafkaTriggerEvent {
  Offset: number | string;
  Partition: number;
  Topic: string;
  Timestamp?: string;
  Key?: string | null;
  Value: string | null;
  Headers?: readonly { Key: string; Value: string | null }[] | null;
}

/**
 * Builds the core Envelope of one Kafka record: the body is the record value, the id comes from a
 * `ce_id` header when present, else from topic/partition/offset (see eventIdOf). Headers are
 * base64-decoded. A payload that is not a Kafka record throws a BadInputError naming the missing field.
 * @example kafkaEnvelope({ Offset: 7, Partition: 0, Topic: 'orders', Value: '{"id":1}', Headers: [] })
 */
export function kafkaEnvelope(input: unknown, metadataKey?: unknown): Envelope {
  const event = asRecord(input);
  const topic = event['Topic'];
  const partition = event['Partition'];
  const offset = event['Offset'];
  if (typeof topic !== 'string' || topic === '') throw notARecord('Topic');
  if (typeof partition !== 'number' || !Number.isInteger(partition)) throw notARecord('Partition');
  if ((typeof offset !== 'number' && typeof offset !== 'string') || String(offset) === '') throw notARecord('Offset');
  const headers = decodeHeaders(event['Headers']);
  const key = textOf(event['Key']) ?? textOf(metadataKey);
  const value = event['Value'];
  // The worker JSON-parses the event; a value that was itself JSON stays a string, but guard anyway.
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return {
    body: Buffer.from(text, 'utf8'),
    key,
    headers,
    source: { kind: 'kafka', topic, partition, offset: String(offset) },
    attempt: 1,
  };
}

function asRecord(input: unknown): Record<string, unknown> {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      throw new BadInputError('unparseable', 'the kafkaTrigger payload is not the JSON of a Kafka record');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadInputError(
      'unparseable',
      "the kafkaTrigger payload is not one Kafka record; register the trigger with cardinality 'one' and dataType 'string'",
    );
  }
  return value as Record<string, unknown>;
}

function decodeHeaders(raw: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!Array.isArray(raw)) return headers;
  for (const entry of raw as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { Key: name, Value: value } = entry as { Key?: unknown; Value?: unknown };
    if (typeof name !== 'string') continue;
    // The extension base64-encodes header bytes; a null value is an empty header.
    headers[name] = typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : '';
  }
  return headers;
}

function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return null;
}

function notARecord(field: string): BadInputError {
  return new BadInputError('unparseable', `the kafkaTrigger payload has no valid "${field}"; is it a Kafka record?`);
}
