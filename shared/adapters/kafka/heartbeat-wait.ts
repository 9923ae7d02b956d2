import { sleep } from '../../core/backoff.ts';
import type { Logger } from '../../core/ports.ts';

/**
 * A retry wait that sleeps in slices and heartbeats between them, so a long backoff does not get the
 * member removed from its group. Wakes early when `signal` aborts.
 * @example await heartbeatingWait(batch.heartbeat, 1_000, log)(30_000, drainSignal)
 */
export function heartbeatingWait(
  heartbeat: () => Promise<void>,
  sliceMs: number,
  log: Logger,
): (ms: number, signal?: AbortSignal) => Promise<void> {
  return async (ms, signal) => {
    const until = Date.now() + ms;
    for (let left = ms; left > 0 && !signal?.aborted; left = until - Date.now()) {
      await sleep(Math.min(sliceMs, left), signal);
      await heartbeat().catch((error: unknown) => {
        // A failed heartbeat means a rebalance; the commit of this batch will fail and be retried.
        log.debug('heartbeat failed during retry wait', { error });
      });
    }
  };
}
