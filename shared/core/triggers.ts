import type { z } from 'zod';
import { parseCron } from './cron/parse.ts';

/** Default largest accepted event body: 1 MiB, Kafka's default max.message.bytes. */
export const DEFAULT_MAX_BYTES = 1_048_576;

/** A Kafka topic trigger; the handler's event type is the schema's output type. */
export interface KafkaTrigger<T> {
  readonly kind: 'kafka';
  readonly topic: string;
  readonly schema: z.ZodType<T>;
  readonly maxBytes: number;
}

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

/** An HTTP route trigger served by the host; the JSON body (or query for GET) is validated by `schema`. */
export interface HttpTrigger<T> {
  readonly kind: 'http';
  readonly method: HttpMethod;
  readonly path: string;
  readonly schema: z.ZodType<T>;
  readonly maxBytes: number;
}

export type Trigger<T> = KafkaTrigger<T> | CronTrigger<T> | HttpTrigger<T>;

const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

/**
 * Triggers a function for every record of a Kafka topic, validated by `schema`.
 * @example kafka({ topic: 'orders', schema: z.object({ id: z.string() }) })
 */
export function kafka<S extends z.ZodType>(options: {
  topic: string;
  schema: S;
  maxBytes?: number;
}): KafkaTrigger<z.output<S>> {
  if (!TOPIC.test(options.topic)) {
    throw new TypeError(`kafka(): topic "${options.topic}" must match ${TOPIC.source}`);
  }
  return {
    kind: 'kafka',
    topic: options.topic,
    schema: options.schema as z.ZodType<z.output<S>>,
    maxBytes: positiveInt(options.maxBytes ?? DEFAULT_MAX_BYTES, 'kafka(): maxBytes'),
  };
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
 * Serves a function at an HTTP route of the host; the body is validated by `schema`.
 * @example http({ method: 'POST', path: '/tasks', schema: TaskRequest })
 */
export function http<S extends z.ZodType>(options: {
  method: HttpMethod;
  path: string;
  schema: S;
  maxBytes?: number;
}): HttpTrigger<z.output<S>> {
  if (!options.path.startsWith('/')) throw new TypeError(`http(): path "${options.path}" must start with "/"`);
  return {
    kind: 'http',
    method: options.method,
    path: options.path,
    schema: options.schema as z.ZodType<z.output<S>>,
    maxBytes: positiveInt(options.maxBytes ?? DEFAULT_MAX_BYTES, 'http(): maxBytes'),
  };
}

function positiveInt(value: number, what: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new TypeError(`${what} must be a positive integer, got ${value}`);
  return value;
}
