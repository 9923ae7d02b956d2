import { BadInputError, dependencyOf, NonRetriableError, RetryAfterError, ensureError } from './errors.ts';
import type { Dependency } from './errors.ts';

/** Why an event was dead-lettered. */
export type DeadLetterReason = 'unparseable' | 'schema-invalid' | 'oversize' | 'non-retriable' | 'retries-exhausted';

/** A failure as recorded on a dead letter or in logs. */
export interface FailureInfo {
  errorClass: string;
  message: string;
  at: Date;
}

/**
 * What one attempt of a function produced. Each platform maps it to its wire semantics:
 * commit the offset / HTTP 2xx, redeliver / 5xx, dead-letter topic / 4xx or Dapr DROP.
 */
export type Outcome =
  | {
      status: 'done';
      duplicate: boolean;
      value?: unknown;
      /** A durable execution stopped without finishing: it waits in SQL and resumes on any replica. */
      parked?: ParkInfo;
      /** A durable execution ended because it was cancelled. */
      cancelled?: boolean;
    }
  | {
      status: 'retry';
      delayMs: number;
      failure: FailureInfo;
      /**
       * Set when the attempt could not run for a reason outside the event: a dependency is down, or
       * another replica holds the execution. Costs no attempt; the event is never dead-lettered for it.
       */
      paused?: Dependency | 'held';
    }
  | { status: 'dead-letter'; reason: DeadLetterReason; failure: FailureInfo };

/** Why and until when a durable execution is parked. */
export interface ParkInfo {
  /** sleep or waitForEvent: the step it waits on; yield: the host is stopping or lost the partition. */
  reason: 'sleep' | 'wait' | 'yield' | 'retry';
  stepId?: string;
  /** When the timer sweep resumes it (null: only an event resumes it). */
  wakeAt: Date | null;
}

/**
 * Describes an error for a dead letter or log line.
 * @example failureOf(new TypeError('x')) // { errorClass: 'TypeError', message: 'x', at }
 */
export function failureOf(error: unknown, at: Date = new Date()): FailureInfo {
  const err = ensureError(error);
  return { errorClass: err.name || err.constructor.name, message: err.message, at };
}

/**
 * Classifies a handler failure by its type: a dependency outage pauses (no attempt spent, never a dead
 * letter); bad input and non-retriable errors dead-letter at once; anything else is retried until the
 * attempts run out.
 * @example classify(err, 2, 5, () => 400)
 */
export function classify(error: unknown, attempt: number, maxAttempts: number, backoffMs: () => number): Outcome {
  const failure = failureOf(error);
  const dependency = dependencyOf(error);
  if (dependency) return { status: 'retry', delayMs: backoffMs(), failure, paused: dependency };
  if (error instanceof BadInputError) return { status: 'dead-letter', reason: error.kind, failure };
  if (error instanceof NonRetriableError) return { status: 'dead-letter', reason: 'non-retriable', failure };
  if (attempt >= maxAttempts) return { status: 'dead-letter', reason: 'retries-exhausted', failure };
  const delayMs = error instanceof RetryAfterError ? error.retryAfterMs : backoffMs();
  return { status: 'retry', delayMs, failure };
}
