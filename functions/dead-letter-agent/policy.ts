import type { DeadLetterInfo } from '../../shared/core/index.ts';

/** The bounded re-queue policy. */
export interface RequeuePolicy {
  /** Re-queues per (function, event id), ever. */
  maxRequeues: number;
  /** Delay before the first re-queue; each further one waits twice as long. */
  baseDelayMs: number;
  /** Upper bound of one delay. */
  maxDelayMs: number;
}

/** What to do with a dead letter. */
export type RequeueDecision =
  { action: 'review'; why: string } | { action: 'schedule'; at: Date } | { action: 'exhausted'; why: string };

/**
 * Decides whether a dead letter is re-queued: only transient failures (retries exhausted) of Kafka
 * events, at most `maxRequeues` times per event, each `baseDelayMs * 2^n` later. Bad input,
 * non-retriable errors and cron ticks are held for review: re-running them cannot succeed.
 * @example decideRequeue(info, 1, policy, new Date()) // { action: 'schedule', at: now + 2 * base }
 */
export function decideRequeue(
  info: DeadLetterInfo,
  requeuesSoFar: number,
  policy: RequeuePolicy,
  now: Date,
): RequeueDecision {
  if (info.reason !== 'retries-exhausted') return { action: 'review', why: `reason ${info.reason} is not transient` };
  if (!info.sourceTopic) return { action: 'review', why: 'not a Kafka event: nothing to replay it to' };
  if (requeuesSoFar >= policy.maxRequeues) {
    return { action: 'exhausted', why: `already re-queued ${requeuesSoFar} of ${policy.maxRequeues} times` };
  }
  const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** requeuesSoFar);
  return { action: 'schedule', at: new Date(now.getTime() + delay) };
}
