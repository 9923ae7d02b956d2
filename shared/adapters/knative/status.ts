/**
 * Maps a core Outcome to the HTTP answer Knative Eventing understands. Per the Knative data-plane
 * contract (knative/specs, "Event Acknowledgement and Delivery Retry") senders retry 5xx, 404, 409
 * and 429 and do NOT retry any other 4xx; an event that is not retried, or whose retries
 * (`spec.delivery.retry`) run out, goes to `spec.delivery.deadLetterSink`. The dispatcher attaches our
 * response body to the dead letter as the `knativeerrordata` extension, so the body names the problem.
 */
import type { Outcome } from '../../core/index.ts';

/** An HTTP answer: status, extra headers and a JSON body. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** Where the event came from, echoed in error bodies so a dead letter can be traced back. */
export interface AnswerContext {
  function: string;
  eventId: string;
}

/**
 * The HTTP answer for an outcome:
 * - done (first time or duplicate) -> 202: accepted, no reply event (a 200 body could be read as a reply).
 * - retry -> 503 with Retry-After: Knative redelivers with its own backoff (it only honours Retry-After
 *   where the experimental delivery-retryafter feature is on), up to delivery.retry times.
 * - dead-letter for bad input -> 400 (unparseable, schema-invalid) or 413 (oversize): never retried.
 * - dead-letter for a non-retriable handler error, or retries-exhausted when the function allows a
 *   single attempt -> 422: never retried.
 * @example const answer = answerFor(outcome, { function: fn.name, eventId })
 */
export function answerFor(outcome: Outcome, context: AnswerContext): HttpAnswer {
  switch (outcome.status) {
    case 'done':
      return { status: 202, headers: {}, body: { status: 'done', duplicate: outcome.duplicate, ...context } };
    case 'retry': {
      const seconds = Math.max(1, Math.ceil(outcome.delayMs / 1000));
      return {
        status: 503,
        headers: { 'retry-after': String(seconds) },
        body: { status: 'retry', retryAfterSeconds: seconds, errorClass: outcome.failure.errorClass, error: outcome.failure.message, ...context },
      };
    }
    case 'dead-letter': {
      const status = outcome.reason === 'oversize' ? 413 : outcome.reason === 'unparseable' || outcome.reason === 'schema-invalid' ? 400 : 422;
      return {
        status,
        headers: {},
        body: {
          status: 'dead-letter',
          reason: outcome.reason,
          errorClass: outcome.failure.errorClass,
          // Knative keeps about 1 KiB of the body on the dead letter; keep the message bounded.
          error: outcome.failure.message.slice(0, 600),
          ...context,
        },
      };
    }
  }
}
