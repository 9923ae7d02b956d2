/**
 * Turns a received CloudEvent into the core's Envelope, reading the attributes KafkaSource and
 * PingSource set (knative-extensions/eventing-kafka-broker dispatcher, knative/eventing mt-ping adapter).
 */
import type { AnyFunction, CronTrigger, Envelope, KafkaTrigger } from '../../core/index.ts';
import { InvalidCloudEventError, type ReceivedCloudEvent } from './cloudevent.ts';

/** The CloudEvent type of every PingSource event. */
export const PING_EVENT_TYPE = 'dev.knative.sources.ping';

/** KafkaSource's id for a record that is not itself a CloudEvent: `partition:<p>/offset:<o>`. */
const SYNTHETIC_ID = /^partition:(\d+)\/offset:(\d+)$/;
/** KafkaSource's subject for such a record: `partition:<p>#<o>`. */
const SYNTHETIC_SUBJECT = /^partition:(\d+)#(\d+)$/;
const KAFKA_HEADER_PREFIX = 'kafkaheader';
/** Attributes copied into the envelope headers the way the CloudEvents Kafka binding names them. */
const COPIED_ATTRIBUTES = ['specversion', 'type', 'source', 'subject', 'time'] as const;

/**
 * Builds the envelope of `fn` for one delivery. Knative owns redelivery, so `attempt` is always 1 here:
 * the function's retry budget is spent by Knative (delivery.retry), not by the core.
 * @example const envelope = cloudEventToEnvelope(fn, event, new Date())
 */
export function cloudEventToEnvelope(fn: AnyFunction, event: ReceivedCloudEvent, now: Date): Envelope {
  switch (fn.trigger.kind) {
    case 'kafka':
      return kafkaEnvelope(fn.trigger, event);
    case 'cron':
      return cronEnvelope(fn.name, fn.trigger, event, now);
    case 'http':
      throw new InvalidCloudEventError(`function "${fn.name}" has an http trigger; it is served by the host's HTTP routes, not by CloudEvents`);
  }
}

function kafkaEnvelope(trigger: KafkaTrigger<unknown>, event: ReceivedCloudEvent): Envelope {
  if (event.type === PING_EVENT_TYPE) {
    throw new InvalidCloudEventError(`a Kafka-triggered function cannot take a PingSource event (type ${PING_EVENT_TYPE})`);
  }
  const attrs = event.attributes;
  const { partition, offset } = coordinates(event);
  const synthetic = SYNTHETIC_ID.test(event.id);
  const headers = baseHeaders(event);
  // KafkaSource turns each record header into a `kafkaheader<name>` extension, lowercased with every
  // character outside a-z0-9 removed, so "hearth-causation-id" arrives as "hearthcausationid".
  for (const [name, value] of Object.entries(attrs)) {
    if (name.startsWith(KAFKA_HEADER_PREFIX) && name.length > KAFKA_HEADER_PREFIX.length) {
      headers[name.slice(KAFKA_HEADER_PREFIX.length)] = value;
    }
  }
  // A record that was already a CloudEvent keeps its producer's id (Hearth's emits are deterministic);
  // a plain record's synthetic id is replaced by topic/partition/offset, the same id the local Kafka
  // host gives it, so moving a function between platforms never re-applies an event.
  if (!synthetic) headers['ce_id'] = event.id;
  return {
    id: synthetic ? undefined : event.id,
    body: event.data,
    key: attrs['key'] ?? attrs['partitionkey'] ?? null,
    headers,
    source: { kind: 'kafka', topic: topicOf(event.source) ?? trigger.topic, partition, offset },
    attempt: 1,
  };
}

function cronEnvelope(name: string, _trigger: CronTrigger<unknown>, event: ReceivedCloudEvent, now: Date): Envelope {
  if (event.type !== PING_EVENT_TYPE) {
    throw new InvalidCloudEventError(`cron function "${name}" takes PingSource events (type ${PING_EVENT_TYPE}), got type "${event.type}"`);
  }
  const target = pingTarget(event);
  if (target !== undefined && target !== name) {
    throw new InvalidCloudEventError(`PingSource event is for function "${target}" but was delivered to "${name}"`);
  }
  const raw = event.attributes['time'];
  const tick = raw === undefined ? now : parseTime(raw);
  const scheduledAt = truncateToMinute(tick);
  // No explicit id: PingSource gives each tick a fresh UUID, so the ledger key is the core's
  // `cron@<scheduledAt>`, the same the local scheduler uses; a redelivered or duplicated tick dedupes.
  return { body: null, key: null, headers: baseHeaders(event), source: { kind: 'cron', scheduledAt }, attempt: 1 };
}

/**
 * The tick a PingSource event stands for. PingSource schedules are 5-field cron (minute granularity) and
 * the adapter sends within a second of the tick (0-500 ms jitter plus short retries), so the `time`
 * attribute truncated to the minute is the scheduled time, identical across redeliveries.
 * @example truncateToMinute(new Date('2025-01-01T03:00:00.412Z')) // 2025-01-01T03:00:00.000Z
 */
export function truncateToMinute(time: Date): Date {
  return new Date(Math.floor(time.getTime() / 60_000) * 60_000);
}

/**
 * Partition and offset from KafkaSource's `knativekafkapartition`/`knativekafkaoffset` extensions, else
 * from its synthetic id or subject; -1/"-1" when the event carries none (a record that was a CloudEvent,
 * delivered by a dispatcher that predates those extensions).
 * @example coordinates(event) // { partition: 3, offset: '1042' }
 */
export function coordinates(event: ReceivedCloudEvent): { partition: number; offset: string } {
  const attrs = event.attributes;
  const p = attrs['knativekafkapartition'];
  const o = attrs['knativekafkaoffset'];
  if (p !== undefined && o !== undefined && /^\d+$/.test(p) && /^\d+$/.test(o)) return { partition: Number(p), offset: o };
  const match = SYNTHETIC_ID.exec(event.id) ?? SYNTHETIC_SUBJECT.exec(attrs['subject'] ?? '');
  if (match) return { partition: Number(match[1]), offset: match[2] as string };
  return { partition: -1, offset: '-1' };
}

/** KafkaSource's source is `/apis/v1/namespaces/<ns>/kafkasources/<name>#<topic>`. */
function topicOf(source: string): string | undefined {
  const hash = source.lastIndexOf('#');
  if (hash < 0 || !source.includes('/kafkasources/')) return undefined;
  const topic = source.slice(hash + 1);
  return topic.length > 0 ? topic : undefined;
}

function baseHeaders(event: ReceivedCloudEvent): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of COPIED_ATTRIBUTES) {
    const value = event.attributes[name];
    if (value !== undefined) headers[`ce_${name}`] = value;
  }
  const contentType = event.attributes['datacontenttype'];
  if (contentType !== undefined) headers['content-type'] = contentType;
  const traceparent = event.attributes['traceparent'];
  if (traceparent !== undefined) headers['traceparent'] = traceparent;
  return headers;
}

/** The `function` field of the JSON data the generated PingSource sends, if any. */
function pingTarget(event: ReceivedCloudEvent): string | undefined {
  if (event.data === null) return undefined;
  try {
    const value = JSON.parse(Buffer.from(event.data).toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && typeof (value as { function?: unknown }).function === 'string') {
      return (value as { function: string }).function;
    }
  } catch {
    // A PingSource may carry any payload; only ours names a function.
  }
  return undefined;
}

function parseTime(raw: string): Date {
  // RFC 3339 as the CloudEvents `time` attribute requires.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(raw)) {
    throw new InvalidCloudEventError(`CloudEvent "time" attribute "${raw.slice(0, 64)}" is not an RFC 3339 timestamp`);
  }
  const time = new Date(raw);
  if (Number.isNaN(time.getTime())) throw new InvalidCloudEventError(`CloudEvent "time" attribute "${raw.slice(0, 64)}" is not a valid date`);
  return time;
}
