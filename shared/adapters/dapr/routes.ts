/**
 * The Dapr app callback: an HttpRoute the host mounts when HEARTH_PLATFORM=dapr. daprd asks
 * `GET /dapr/subscribe` which topics to deliver where, POSTs each Kafka record as a CloudEvent (or a
 * bulk of them) to `/dapr/events/<function>` and each cron tick to `/dapr/cron/<function>`; every
 * delivery runs the core's `invoke` once and the outcome becomes Dapr's answer. Dapr owns redelivery
 * (resiliency policy) and dead-lettering (the subscription's deadLetterTopic).
 */
import type { AnyFunction, InvokeDeps, OutgoingMessage } from '../../core/index.ts';
import { sendJson } from '../http/body.ts';
import type { HttpRoute } from '../http/types.ts';
import { deliverEvent } from './deliver-event.ts';
import { deliverTick } from './deliver-tick.ts';
import { cronBindingName, daprSubscriptions, type DaprBulkSubscribe } from './protocol.ts';
import { decode, methodNotAllowed } from './request.ts';

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
      await deliverEvent(fn, req, res, deps, log.child({ function: fn.name }), options.bulkSubscribe);
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
        options.deadLetter,
        now(),
      );
      return true;
    }
    return false;
  };
}
