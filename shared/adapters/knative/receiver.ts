/**
 * The Knative CloudEvents receiver: an HttpRoute the host mounts when HEARTH_PLATFORM=knative. A
 * KafkaSource or PingSource POSTs each event; we run the core's `invoke` once per delivery and answer
 * with a status Knative understands (see status.ts). Knative owns retries and dead-lettering
 * (KafkaSource/PingSource `spec.delivery`), so the core always sees attempt 1: its own "retries
 * exhausted" rule never fires early, and `delivery.retry` (generated as fn.retry.attempts - 1) governs.
 */
import type { ServerResponse } from 'node:http';
import { eventIdOf, invoke } from '../../core/index.ts';
import type { AnyFunction, Envelope, InvokeDeps } from '../../core/index.ts';
import { BodyTooLargeError, readBody, sendJson } from '../http/body.ts';
import type { HttpRoute } from '../http/types.ts';
import { InvalidCloudEventError, readCloudEvent } from './cloudevent.ts';
import { cloudEventToEnvelope } from './envelope.ts';
import { matchRoute } from './routing.ts';
import { answerFor } from './status.ts';

export interface KnativeReceiverOptions {
  /** The function `POST /` goes to; default: the only function given. */
  defaultFunction?: string;
  /** Clock for cron ticks without a `time` attribute (tests). */
  now?: () => Date;
}

/** A PingSource payload is a few hundred bytes; anything near this is a mistake. */
const CRON_BODY_LIMIT = 65_536;

/**
 * Builds the receiver for `functions` (kafka and cron triggered ones; http ones are the host's).
 * Routes `POST /` to the served function and `POST /functions/<name>` to any of them.
 * @example host.mount(knativeReceiver(await loadFunctions(FUNCTIONS_DIR, ['order-ledger']), deps))
 */
export function knativeReceiver(functions: readonly AnyFunction[], deps: InvokeDeps, options: KnativeReceiverOptions = {}): HttpRoute {
  const byName = new Map<string, AnyFunction>();
  for (const fn of functions) if (fn.trigger.kind !== 'http') byName.set(fn.name, fn);
  if (options.defaultFunction !== undefined && !byName.has(options.defaultFunction)) {
    throw new TypeError(
      `knativeReceiver(): defaultFunction "${options.defaultFunction}" is not one of the kafka/cron functions given (${[...byName.keys()].join(', ') || 'none'})`,
    );
  }
  const now = options.now ?? (() => new Date());

  return async (req, res, url) => {
    const route = matchRoute(url.pathname, byName, options.defaultFunction);
    if (route.kind === 'not-ours') return false;
    // Knative's data-plane contract lets senders probe with OPTIONS; GET / stays the host's.
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { allow: 'POST, OPTIONS' }).end();
      return true;
    }
    if (req.method !== 'POST') {
      if (url.pathname === '/') return false;
      res.setHeader('allow', 'POST, OPTIONS');
      sendJson(res, 405, { error: `method ${req.method ?? '?'} not allowed; CloudEvents are delivered with POST` });
      return true;
    }
    if (route.kind === 'ambiguous') {
      sendJson(res, 400, { error: `POST / needs exactly one served function (got ${byName.size}); post to /functions/<name> instead` });
      return true;
    }
    if (route.kind === 'unknown') {
      // 404 is retried by Knative: right while a rollout is still bringing the function up.
      sendJson(res, 404, { error: `no kafka or cron function named "${route.name}" is served here; known: ${[...byName.keys()].join(', ') || 'none'}` });
      return true;
    }
    await deliver(route.fn, req, res, deps, now);
    return true;
  };
}

async function deliver(fn: AnyFunction, req: Parameters<HttpRoute>[0], res: ServerResponse, deps: InvokeDeps, now: () => Date): Promise<void> {
  const log = deps.log.child({ function: fn.name, platform: 'knative' });
  let body: Buffer;
  try {
    body = await readBody(req, bodyLimit(fn));
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    log.error('CloudEvent dead-lettered: request body too large', { limit: error.limit });
    sendJson(res, 413, { status: 'dead-letter', reason: 'oversize', error: error.message, function: fn.name });
    return;
  }
  let envelope: Envelope;
  try {
    envelope = cloudEventToEnvelope(fn, readCloudEvent(req.headers, body), now());
  } catch (error) {
    if (!(error instanceof InvalidCloudEventError)) throw error;
    log.error('request rejected: not a valid CloudEvent for this function', { error: error.message });
    sendJson(res, 400, { status: 'dead-letter', reason: 'unparseable', error: error.message, function: fn.name });
    return;
  }
  const eventId = eventIdOf(envelope);
  let answer;
  try {
    answer = answerFor(await invoke(fn, envelope, deps), { function: fn.name, eventId });
  } catch (error) {
    // invoke() classifies handler failures itself; reaching here means a hook or the host failed.
    log.error('invoke failed outside the handler; asking Knative to redeliver', { eventId, error });
    sendJson(res, 500, { status: 'retry', error: 'internal error', function: fn.name, eventId });
    return;
  }
  if (answer.status >= 400 && answer.status !== 503) log.error('event dead-lettered', { eventId, ...answer.body });
  else if (answer.status === 503) log.warn('attempt failed; Knative will redeliver', { eventId, ...answer.body });
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  sendJson(res, answer.status, answer.body);
}

/**
 * Largest request read: the trigger's limit, grown for structured mode (base64 is 4/3 larger) plus
 * room for attributes. The exact data limit is applied by the core, which answers 413 (oversize).
 */
function bodyLimit(fn: AnyFunction): number {
  return fn.trigger.kind === 'kafka' ? Math.ceil((fn.trigger.maxBytes * 4) / 3) + 65_536 : CRON_BODY_LIMIT;
}
