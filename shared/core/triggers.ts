import type { z } from 'zod';
import { parseCron } from './cron/parse.ts';
import type { HttpAuthorizer } from './http-reply.ts';
import { isTopicName, TOPIC_PATTERN } from './topic.ts';

/** Default largest accepted event body: 1 MiB, Kafka's default max.message.bytes. */
export const DEFAULT_MAX_BYTES = 1_048_576;

/** A Kafka topic trigger; the handler's event type is the schema's output type. */
export interface KafkaTrigger<T> {
  readonly kind: 'kafka';
  /** The first (or only) topic; platforms that take one topic per trigger use this one. */
  readonly topic: string;
  /** Every topic consumed, `topic` first (one consumer group over all of them). */
  readonly topics: readonly string[];
  /**
   * 'json' (default): the body is parsed as JSON; 'text': the handler gets the UTF-8 text; 'bytes': the
   * raw body as a Buffer, whatever it holds (e.g. dead letters of unparseable events).
   */
  readonly format: KafkaFormat;
  readonly schema: z.ZodType<T>;
  readonly maxBytes: number;
}

/** How a Kafka record's body reaches the handler. */
export type KafkaFormat = 'json' | 'text' | 'bytes';

/** What happens to ticks missed while no replica ran: none, only the newest, or all within the window. */
export type CatchUpPolicy = 'skip' | 'latest' | 'all';

/** A cron trigger: 5 fields (or 6 with leading seconds) evaluated in an IANA time zone. */
export interface CronTrigger<T = CronEvent> {
  readonly kind: 'cron';
  /** Type-only marker so the handler's event type is inferred as {@link CronEvent}. */
  readonly eventType?: T;
  readonly schedule: string;
  readonly timezone: string;
  readonly catchUp: CatchUpPolicy;
  /** How far back missed ticks are considered, in ms. */
  readonly catchUpWindowMs: number;
}

/** The event a cron function receives. */
export interface CronEvent {
  /** The tick's scheduled time (also its idempotency key). */
  scheduledAt: Date;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * An HTTP route trigger served by the host; the JSON body (or, for GET, the query string plus the path
 * params) is validated by `schema`. `path` may hold `:name` segments, e.g. `/tasks/:id`.
 */
export interface HttpTrigger<T> {
  readonly kind: 'http';
  readonly method: HttpMethod;
  readonly path: string;
  readonly schema: z.ZodType<T>;
  readonly maxBytes: number;
  /** Runs before the body is read; a reply it returns (401, 403, ...) answers the request instead. */
  readonly authorize?: HttpAuthorizer;
}

export type Trigger<T> = KafkaTrigger<T> | CronTrigger<T> | HttpTrigger<T>;

/**
 * Triggers a function for every record of a Kafka topic (or of several topics, e.g. dead-letter topics),
 * validated by `schema`. Give exactly one of `topic` and `topics`.
 * @example kafka({ topic: 'orders', schema: z.object({ id: z.string() }) })
 * @example kafka({ topics: ['orders.dlq', 'billing.dlq'], format: 'bytes', schema: z.instanceof(Buffer) })
 */
export function kafka<S extends z.ZodType>(options: {
  topic?: string;
  topics?: readonly string[];
  format?: KafkaFormat;
  schema: S;
  maxBytes?: number;
}): KafkaTrigger<z.output<S>> {
  const topics = topicsOf(options);
  const format = options.format ?? 'json';
  if (!['json', 'text', 'bytes'].includes(format))
    throw new TypeError(`kafka(): format must be "json", "text" or "bytes", got "${String(format)}"`);
  return {
    kind: 'kafka',
    topic: topics[0] as string,
    topics,
    format,
    schema: options.schema as z.ZodType<z.output<S>>,
    maxBytes: positiveInt(options.maxBytes ?? DEFAULT_MAX_BYTES, 'kafka(): maxBytes'),
  };
}

function topicsOf(options: { topic?: string; topics?: readonly string[] }): readonly string[] {
  if ((options.topic === undefined) === (options.topics === undefined)) {
    throw new TypeError('kafka(): give exactly one of topic and topics, e.g. kafka({ topic: "orders", schema })');
  }
  const topics = options.topics ?? [options.topic as string];
  if (topics.length === 0) throw new TypeError('kafka(): topics must name at least one topic');
  for (const topic of topics) {
    if (!isTopicName(topic)) throw new TypeError(`kafka(): topic "${topic}" must match ${TOPIC_PATTERN.source}`);
  }
  if (new Set(topics).size !== topics.length)
    throw new TypeError(`kafka(): topics has duplicates: ${topics.join(', ')}`);
  return Object.freeze([...topics]);
}

/**
 * Triggers a function on a schedule; with N replicas each tick runs once. Throws a CronParseError
 * naming the field and value when the schedule is invalid.
 * @example cron({ schedule: '0 3 * * *', timezone: 'Europe/Paris', catchUp: 'latest' })
 */
export function cron(options: {
  schedule: string;
  timezone?: string;
  catchUp?: CatchUpPolicy;
  catchUpWindowMs?: number;
}): CronTrigger<CronEvent> {
  const timezone = options.timezone ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new TypeError(`cron(): timezone "${timezone}" is not an IANA time zone (e.g. "Europe/Paris")`);
  }
  // Parse now so a bad schedule fails at definition time with a message naming the field and value.
  const schedule = parseCron(options.schedule).source;
  return {
    kind: 'cron',
    schedule,
    timezone,
    catchUp: options.catchUp ?? 'skip',
    catchUpWindowMs: positiveInt(options.catchUpWindowMs ?? 3_600_000, 'cron(): catchUpWindowMs'),
  };
}

/**
 * Serves a function at an HTTP route of the host; the body is validated by `schema`. Path segments
 * written `:name` match any value and reach the handler in `ctx.meta.source.params` (and, for GET, in
 * the event). `authorize` checks the request before its body is read.
 * @example http({ method: 'GET', path: '/tasks/:id', schema: z.object({ id: z.string() }), authorize })
 */
export function http<S extends z.ZodType>(options: {
  method: HttpMethod;
  path: string;
  schema: S;
  maxBytes?: number;
  authorize?: HttpAuthorizer;
}): HttpTrigger<z.output<S>> {
  if (!options.path.startsWith('/')) throw new TypeError(`http(): path "${options.path}" must start with "/"`);
  if (/\/:(?![A-Za-z_]\w*(\/|$))/.test(options.path)) {
    throw new TypeError(`http(): path "${options.path}" has a bad parameter; write segments like "/tasks/:id"`);
  }
  return {
    kind: 'http',
    method: options.method,
    path: options.path,
    schema: options.schema as z.ZodType<z.output<S>>,
    maxBytes: positiveInt(options.maxBytes ?? DEFAULT_MAX_BYTES, 'http(): maxBytes'),
    ...(options.authorize ? { authorize: options.authorize } : {}),
  };
}

function positiveInt(value: number, what: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new TypeError(`${what} must be a positive integer, got ${value}`);
  return value;
}
