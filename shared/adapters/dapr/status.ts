import type { Outcome } from '../../core/index.ts';
import type { DaprStatus } from './protocol.ts';

/**
 * The Dapr pub/sub status for an outcome. done (first time or duplicate) -> SUCCESS; retry -> RETRY, so
 * Dapr redelivers per the resiliency policy and dead-letters when it runs out; any dead-letter outcome
 * (bad input, non-retriable, retries exhausted) -> DROP, which Dapr publishes to the subscription's
 * deadLetterTopic (the original record with its key and headers, plus `__topic`/`__partition`/`__offset`).
 * @example daprStatusFor({ status: 'retry', delayMs: 200, failure }) // "RETRY"
 */
export function daprStatusFor(outcome: Outcome): DaprStatus {
  switch (outcome.status) {
    case 'done':
      return 'SUCCESS';
    case 'retry':
      return 'RETRY';
    case 'dead-letter':
      return 'DROP';
  }
}
