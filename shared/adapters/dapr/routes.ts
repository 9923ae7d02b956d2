/**
 * The Dapr app callback: an HttpRoute the host mounts when HEARTH_PLATFORM=dapr. daprd asks
 * `GET /dapr/subscribe` which topics to deliver where, POSTs each Kafka record as a CloudEvent (or a
 * bulk of them) to `/dapr/events/<function>` and each cron tick to `/dapr/cron/<function>`; every
 * delivery runs the core's `invoke` once and the outcome becomes Dapr's answer. Dapr owns redelivery
 * (resiliency policy) and dead-lettering (the subscription's deadLetterTopic).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { deadLetterMessage, eventIdOf, invoke } from '../../core/index.ts';
import type { AnyFunction, Envelope, InvokeDeps, Logger, OutgoingMessage } from '../../core/index.ts';
import { BodyTooLargeError, readBody, sendJson } from '../http/body.ts';
import type { HttpRoute } from '../http/types.ts';
import { InvalidCloudEventError, readCloudEvent } from '../knative/index.ts';
import { cronTickEnvelope } from './cron.ts';
import { bulkEntryEvent, daprEventToEnvelope, type BulkEntry } from './envelope.ts';
import { cronBindingName, daprSubscriptions, type DaprBulkSubscribe, type DaprStatus } from './protocol.ts';
import { daprStatusFor } from './status.ts';

export interface DaprRoutesOptions {
  /** The pub/sub component name in the subscriptions; default "hearth-pubsub". */
  pubsubName?: string;
  /** Ask Dapr for bulk deliveries (`bulkSubscribe` in every subscription). */
  bulkSubscribe?: DaprBulkSubscribe;
  /**
   * List the subscriptions at `GET /dapr/subscribe` (default true). Set false when the declarative
   * Subscription resources from infra/dapr are applied instead, so no topic is subscribed twice.
   */
  programmatic?: boolean;
  /** Where a dead-lettered cron tick goes (bindings have no dead-letter topic); the host's producer. */
  deadLetter?: (message: OutgoingMessage) => Promise<void>;
  /** Clock for cron ticks (tests). */
  now?: () => Date;
}

/** A cron binding POST carries no payload worth more than this. */
const CRON_BODY_LIMIT = 65_536;
/** Bulk deliveries hold up to maxMessagesCount records (Dapr's default is 100). */
const DEFAULT_BULK_COUNT = 100;

const EVENT_PATH = /^\/dapr\/events\/([^/]+)\/?$/;
const CRON_PATH = /^\/dapr\/cron\/([^/]+)\/?$/;
const BINDING_PATH = /^\/cron-([^/]+)\/?$/;

/**
 * Builds the Dapr callback routes for `functions` (kafka and cron ones; http ones are the host's).
 * @example host routes: [daprRoutes(functions, rt.deps(signal), { deadLetter: (m) => rt.producer.send([m]) })]
 */
export function daprRoutes(
  functions: readonly AnyFunction[],
  deps: InvokeDeps,
  options: DaprRoutesOptions = {},
): HttpRoute {
  const kafka = new Map<string, AnyFunction>();
  const cron = new Map<string, AnyFunction>();
  for (const fn of functions) {
    if (fn.trigger.kind === 'kafka') kafka.set(fn.name, fn);
    else if (fn.trigger.kind === 'cron') cron.set(fn.name, fn);
  }
  const subscriptions = options.programmatic === false ? [] : daprSubscriptions([...kafka.values()], options);
  const now = options.now ?? (() => new Date());
  const log = deps.log.child({ platform: 'dapr' });

  return async (req, res, url) => {
    const path = url.pathname;
    if (path === '/dapr/subscribe') {
      if (req.method !== 'GET') return methodNotAllowed(res, 'GET');
      sendJson(res, 200, subscriptions);
      return true;
    }
    const event = EVENT_PATH.exec(path);
    if (event) {
      if (req.method !== 'POST') return methodNotAllowed(res, 'POST');
      const name = decode(event[1] as string);
      const fn = kafka.get(name);
      if (!fn) {
        // Not 404: Dapr drops a 404 without dead-lettering. 503 is retried, then dead-lettered.
        sendJson(res, 503, {
          error: `no kafka function named "${name}" is served here; known: ${[...kafka.keys()].join(', ') || 'none'}`,
        });
        return true;
      }
      await deliverEvent(fn, req, res, deps, log.child({ function: fn.name }), options);
      return true;
    }
    const tick = CRON_PATH.exec(path) ?? BINDING_PATH.exec(path);
    if (tick) {
      const name = decode(tick[1] as string);
      const fn = cron.get(name);
      if (!fn) return false;
      // daprd probes an input binding's route with OPTIONS before delivering; any 2xx means "subscribed".
      if (req.method === 'OPTIONS') {
        res.writeHead(200, { allow: 'POST, OPTIONS' }).end();
        return true;
      }
      if (req.method !== 'POST') return methodNotAllowed(res, 'POST, OPTIONS');
      await deliverTick(
        fn,
        req,
        res,
        deps,
        log.child({ function: fn.name, binding: cronBindingName(fn.name) }),
        options,
        now(),
      );
      return true;
    }
    return false;
  };
}

async function deliverEvent(
  fn: AnyFunction,
  req: IncomingMessage,
  res: ServerResponse,
  deps: InvokeDeps,
  log: Logger,
  options: DaprRoutesOptions,
): Promise<void> {
  const single = fn.trigger.kind === 'kafka' ? Math.ceil((fn.trigger.maxBytes * 4) / 3) + 65_536 : CRON_BODY_LIMIT;
  const limit = options.bulkSubscribe?.enabled
    ? single * (options.bulkSubscribe.maxMessagesCount ?? DEFAULT_BULK_COUNT)
    : single;
  let body: Buffer;
  try {
    body = await readBody(req, limit);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    log.error('Dapr event dropped to the dead-letter topic: request body too large', { limit: error.limit });
    sendJson(res, 200, { status: 'DROP' satisfies DaprStatus });
    return;
  }
  const bulk = bulkRequest(req, body);
  if (bulk) {
    const statuses: { entryId: string; status: DaprStatus }[] = [];
    // In order: Dapr hands a partition's records in offset order and per-key order must hold.
    for (const entry of bulk.entries) {
      const status = await run(
        fn,
        () => daprEventToEnvelope(fn, bulkEntryEvent(entry, bulk.topic ?? ''), entry.metadata ?? {}),
        deps,
        log,
      );
      statuses.push({ entryId: entry.entryId, status });
    }
    sendJson(res, 200, { statuses });
    return;
  }
  const status = await run(
    fn,
    () => daprEventToEnvelope(fn, readCloudEvent(req.headers, body), metadataOf(req)),
    deps,
    log,
  );
  sendJson(res, 200, { status });
}

/** Builds the envelope and invokes once; bad CloudEvents DROP, failures outside the handler RETRY. */
async function run(fn: AnyFunction, build: () => Envelope, deps: InvokeDeps, log: Logger): Promise<DaprStatus> {
  let envelope: Envelope;
  try {
    envelope = build();
  } catch (error) {
    if (!(error instanceof InvalidCloudEventError)) throw error;
    log.error('Dapr event dropped to the dead-letter topic: not a valid CloudEvent', {
      reason: 'unparseable',
      error: error.message,
    });
    return 'DROP';
  }
  const eventId = eventIdOf(envelope);
  try {
    const outcome = await invoke(fn, envelope, deps);
    if (outcome.status === 'dead-letter') {
      log.error('event dropped to the dead-letter topic', {
        eventId,
        reason: outcome.reason,
        errorClass: outcome.failure.errorClass,
        error: outcome.failure.message,
      });
    } else if (outcome.status === 'retry') {
      log.warn('attempt failed; Dapr will redeliver', {
        eventId,
        errorClass: outcome.failure.errorClass,
        error: outcome.failure.message,
      });
    }
    return daprStatusFor(outcome);
  } catch (error) {
    // invoke() classifies handler failures itself; reaching here means a hook or the host failed.
    log.error('invoke failed outside the handler; asking Dapr to redeliver', { eventId, error });
    return 'RETRY';
  }
}

async function deliverTick(
  fn: AnyFunction,
  req: IncomingMessage,
  res: ServerResponse,
  deps: InvokeDeps,
  log: Logger,
  options: DaprRoutesOptions,
  now: Date,
): Promise<void> {
  try {
    await readBody(req, CRON_BODY_LIMIT);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
  }
  const envelope = cronTickEnvelope(fn, now);
  const outcome = await invoke(fn, envelope, deps);
  const scheduledAt = envelope.source.kind === 'cron' ? envelope.source.scheduledAt.toISOString() : '';
  switch (outcome.status) {
    case 'done':
      // The binding needs exactly 200: anything else counts as a failure for its resiliency policy.
      sendJson(res, 200, { status: 'done', duplicate: outcome.duplicate, scheduledAt });
      return;
    case 'retry':
      log.warn('cron tick failed; the binding resiliency policy retries it', {
        scheduledAt,
        error: outcome.failure.message,
      });
      sendJson(res, 500, { status: 'retry', scheduledAt, error: outcome.failure.message });
      return;
    case 'dead-letter': {
      log.error('cron tick dead-lettered', { scheduledAt, reason: outcome.reason, error: outcome.failure.message });
      if (options.deadLetter)
        await options.deadLetter(deadLetterMessage(fn, envelope, outcome.reason, outcome.failure, { attempts: 1 }));
      sendJson(res, 200, { status: 'dead-letter', reason: outcome.reason, scheduledAt });
      return;
    }
  }
}

/** A bulk delivery is plain JSON (not application/cloudevents+json) with an `entries` array. */
function bulkRequest(req: IncomingMessage, body: Buffer): { entries: BulkEntry[]; topic?: string } | undefined {
  const media = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (media !== 'application/json') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { entries?: unknown }).entries))
    return undefined;
  const value = parsed as { entries: unknown[]; topic?: unknown };
  const entries = value.entries.filter(
    (e): e is BulkEntry => typeof e === 'object' && e !== null && typeof (e as BulkEntry).entryId === 'string',
  );
  return { entries, ...(typeof value.topic === 'string' ? { topic: value.topic } : {}) };
}

/** Dapr sends the record's metadata (coordinates, key, Kafka headers) as request headers. */
function metadataOf(req: IncomingMessage): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') metadata[name] = value;
  return metadata;
}

function methodNotAllowed(res: ServerResponse, allow: string): true {
  res.setHeader('allow', allow);
  sendJson(res, 405, { error: `method not allowed; use ${allow}` });
  return true;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
